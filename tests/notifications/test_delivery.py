"""Sending: real SMTP, an HTTP gateway that succeeds, fails or is slow; quiet hours; caps; retries."""

import datetime
import itertools
import json
from urllib.parse import parse_qs

import pytest

from pevcoach.notifications import services, sms
from pevcoach.notifications.models import Delivery, Kind, Notification
from pevcoach.notifications.occasions import Occasion
from tests.notifications.conftest import Gateway, bamako

counter = itertools.count()


def message_for(person, *, title="Action overdue since 10/03/2025: liste des perdus de vue", expires_at=None,
                kind=Kind.ACTION_OVERDUE):
    """One notification (and its deliveries) for `person`, as the reminder rules would make it."""
    occasion = Occasion(person, kind, f"object-{next(counter)}", "2025-03-10", "/coaching/actions/",
                        lambda: (title, title + "."), expires_at=expires_at)
    return services.notify([occasion])[0]


def sms_of(person):
    return Delivery.objects.get(notification__recipient=person, channel="sms")


@pytest.fixture
def coachee(cast):
    return cast["coachee"]


def test_an_email_goes_through_a_real_smtp_server(clock, smtp_server, cast):
    person = cast["coachee"]
    person.email = "agent@example.ml"
    person.save()
    services.save_preferences(by=person, channels={Kind.ACTION_OVERDUE: {"email": True, "sms": False}},
                              quiet_start=None, quiet_end=None)
    clock.go(bamako(2025, 3, 11, 9))
    notification = message_for(person)
    assert services.deliver_due() == {"sent": 1}
    [envelope] = smtp_server.messages
    assert envelope.rcpt_tos == ["agent@example.ml"]
    content = envelope.content.decode()
    assert "Subject: Action overdue since 10/03/2025" in content
    assert f"/n/{notification.code}" in content
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.sent_at) == ("sent", 1, bamako(2025, 3, 11, 9))


def test_an_sms_goes_to_the_http_gateway_with_the_configured_body_and_auth(clock, gateway, coachee):
    clock.go(bamako(2025, 3, 11, 9))
    notification = message_for(coachee)
    services.deliver_due()
    [request] = gateway.requests
    assert request["path"] == "/send" and request["headers"]["Authorization"] == "Bearer s3cret"
    body = json.loads(request["body"])
    assert body["to"] == "+22376112233" and body["id"] == str(sms_of(coachee).pk)
    assert body["text"].startswith("PEV Coach: Action overdue") and body["text"].endswith(
        f"/n/{notification.code}")
    delivery = sms_of(coachee)
    assert delivery.status == "sent" and delivery.provider_ref == "1"


def test_a_form_encoded_gateway_gets_its_own_body(clock, gateway, coachee, settings):
    settings.SMS_HTTP_CONTENT_TYPE = "application/x-www-form-urlencoded"
    settings.SMS_HTTP_BODY_TEMPLATE = "from=PEVCOACH&to=$to&msg=$text"
    clock.go(bamako(2025, 3, 11, 9))
    message_for(coachee, title="Séance & visite")
    services.deliver_due()
    form = parse_qs(gateway.requests[0]["body"].decode())
    assert form["to"] == ["+22376112233"] and form["msg"][0].startswith("PEV Coach: Séance & visite http")


def test_rapidpro_gets_a_broadcast_with_a_token(clock, coachee, settings):
    stub = Gateway()
    stub.answers.append((201, {"id": 4242, "urns": ["tel:+22376112233"], "text": "..."}))
    settings.SMS_BACKEND, settings.RAPIDPRO_URL, settings.RAPIDPRO_TOKEN = "rapidpro", stub.url, "tok123"
    try:
        clock.go(bamako(2025, 3, 11, 9))
        message_for(coachee)
        services.deliver_due()
    finally:
        stub.close()
    [request] = stub.requests
    assert request["path"] == "/api/v2/broadcasts.json" and request["headers"]["Authorization"] == "Token tok123"
    body = json.loads(request["body"])
    assert body["urns"] == ["tel:+22376112233"] and body["text"].startswith("PEV Coach:")
    assert sms_of(coachee).provider_ref == "4242"


def test_a_failing_gateway_is_retried_with_backoff_then_sent_once(clock, gateway, coachee):
    gateway.answers += [(500, {"error": "down"}), (503, {"error": "busy"})]
    start = clock.go(bamako(2025, 3, 11, 9))
    message_for(coachee)
    assert services.deliver_due() == {"retry": 1}
    delivery = sms_of(coachee)
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert "500" in delivery.last_error and delivery.next_try_at == start + datetime.timedelta(seconds=60)
    clock.go(start + datetime.timedelta(seconds=30))
    assert services.deliver_due() == {}  # not yet
    second = clock.go(start + datetime.timedelta(seconds=61))
    assert services.deliver_due() == {"retry": 1}
    delivery.refresh_from_db()
    assert "503" in delivery.last_error and delivery.next_try_at == second + datetime.timedelta(seconds=120)
    clock.go(second + datetime.timedelta(seconds=121))
    assert services.deliver_due() == {"sent": 1}
    assert services.deliver_due() == {}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 3, "")
    assert len(gateway.requests) == 3


def test_a_slow_gateway_times_out_and_is_tried_again(clock, gateway, coachee, settings):
    settings.SMS_TIMEOUT = 0.2
    gateway.delay = 0.6
    clock.go(bamako(2025, 3, 11, 9))
    message_for(coachee)
    assert services.deliver_due() == {"retry": 1}
    delivery = sms_of(coachee)
    assert delivery.status == "pending" and "no answer within 0.2 s" in delivery.last_error


def test_after_the_last_attempt_the_message_is_kept_as_failed(clock, gateway, coachee, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    gateway.answers += [(500, {})] * 3
    start = clock.go(bamako(2025, 3, 11, 9))
    message_for(coachee)
    services.deliver_due()
    clock.go(start + datetime.timedelta(minutes=5))
    assert services.deliver_due() == {"failed": 1}
    delivery = sms_of(coachee)
    assert (delivery.status, delivery.attempts) == ("failed", 2) and "500" in delivery.last_error


def test_a_refused_number_fails_at_once(clock, gateway, coachee):
    gateway.answers.append((400, {"error": "invalid number"}))
    clock.go(bamako(2025, 3, 11, 9))
    message_for(coachee)
    assert services.deliver_due() == {"failed": 1}
    assert "invalid number" in sms_of(coachee).last_error


def test_quiet_hours_defer_sms_until_they_end(clock, gateway, coachee):
    clock.go(bamako(2025, 3, 11, 22, 30))
    message_for(coachee)
    assert services.deliver_due() == {"deferred": 1}
    delivery = sms_of(coachee)
    assert (delivery.status, delivery.attempts, delivery.next_try_at) == ("pending", 0, bamako(2025, 3, 12, 7))
    assert gateway.requests == []
    clock.go(bamako(2025, 3, 12, 6, 59))
    assert services.deliver_due() == {}
    clock.go(bamako(2025, 3, 12, 7))
    assert services.deliver_due() == {"sent": 1}


def test_each_person_sets_their_own_quiet_hours(clock, gateway, coachee):
    services.save_preferences(by=coachee, channels={}, quiet_start=datetime.time(12), quiet_end=datetime.time(15))
    clock.go(bamako(2025, 3, 11, 22, 30))
    message_for(coachee)
    assert services.deliver_due() == {"sent": 1}
    clock.go(bamako(2025, 3, 12, 13))
    message_for(coachee)
    assert services.deliver_due() == {"deferred": 1}


def test_a_reminder_whose_occasion_passed_is_not_sent(clock, gateway, coachee):
    clock.go(bamako(2025, 3, 11, 23))
    message_for(coachee, expires_at=bamako(2025, 3, 12, 6))  # deferred to 07:00: too late by then
    services.deliver_due()
    clock.go(bamako(2025, 3, 12, 7))
    assert services.deliver_due() == {"expired": 1}
    assert sms_of(coachee).status == "skipped" and gateway.requests == []


def test_sms_per_person_are_capped_each_day(clock, gateway, cast, settings):
    settings.SMS_PER_USER_PER_DAY = 2
    clock.go(bamako(2025, 3, 11, 9))
    for _ in range(3):
        message_for(cast["coachee"])
    message_for(cast["coach"])
    assert services.deliver_due() == {"sent": 3, "capped": 1}
    capped = Delivery.objects.get(status="skipped")
    assert capped.notification.recipient == cast["coachee"] and "cap" in capped.last_error
    assert Notification.objects.filter(recipient=cast["coachee"]).count() == 3  # still in the app
    clock.go(bamako(2025, 3, 12, 9))
    message_for(cast["coachee"])
    assert services.deliver_due() == {"sent": 1}


def test_all_sms_of_a_day_are_capped(clock, gateway, cast, settings):
    settings.SMS_PER_DAY = 1
    clock.go(bamako(2025, 3, 11, 9))
    message_for(cast["coachee"])
    message_for(cast["coach"])
    assert services.deliver_due() == {"sent": 1, "capped": 1}
    assert len(gateway.requests) == 1


def test_an_sms_never_exceeds_one_segment(clock, gateway, coachee):
    clock.go(bamako(2025, 3, 11, 9))
    message_for(coachee, title="Action overdue since 10/03/2025: " + "Reprogrammer la stratégie avancée " * 8)
    services.deliver_due()
    text = gateway.bodies()[0]["text"]
    assert sms.segments(text) == 1 and sms.units(text) <= 160 and "..." in text


def test_running_the_worker_twice_sends_each_message_once(clock, gateway, cast):
    clock.go(bamako(2025, 3, 11, 9))
    for person in (cast["coach"], cast["coachee"]):
        message_for(person)
    services.deliver_due(worker="one")
    services.deliver_due(worker="two")
    services.notify([])  # and generating again creates nothing
    assert len(gateway.requests) == 2
    assert sorted(b["id"] for b in gateway.bodies()) == sorted(str(d.pk) for d in Delivery.objects.all())


def test_a_claim_held_by_a_dead_worker_is_taken_over_after_the_lease(clock, gateway, coachee):
    start = clock.go(bamako(2025, 3, 11, 9))
    message_for(coachee)
    assert services.claim_next("dead-worker") is not None  # claimed, then the worker died
    assert services.deliver_due(worker="alive") == {}
    clock.go(start + datetime.timedelta(seconds=services.SENDING_LEASE_SECONDS + 1))
    assert services.deliver_due(worker="alive") == {"sent": 1}
    assert len(gateway.requests) == 1


def test_the_console_gateway_is_the_default_and_logs_the_sms(clock, coachee, caplog):
    clock.go(bamako(2025, 3, 11, 9))
    message_for(coachee)
    with caplog.at_level("INFO", logger="pevcoach.notifications.sms"):
        assert services.deliver_due() == {"sent": 1}
    assert "+22376112233" in caplog.text and "PEV Coach: Action overdue" in caplog.text

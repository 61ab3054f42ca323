
"""The notification pages: the list with its badge, the short links, the preferences."""


import datetime
import html

import pytest

from pevcoach.notifications.models import Kind, Notification, Preferences
from tests.notifications.test_delivery import message_for


def text(response):
    return html.unescape(response.content.decode())


@pytest.mark.usefixtures("english")
def test_the_list_shows_ones_own_notifications_and_the_badge_counts_the_unread(login, cast,
                                                                              django_assert_max_num_queries):
    mine = message_for(cast["coachee"], title="Séance demain avec le coach")
    message_for(cast["coach"], title="Preuve à examiner")
    client = login(cast["coachee"])
    with django_assert_max_num_queries(8):
        response = client.get("/notifications/")
    assert response.status_code == 200
    page = text(response)
    assert mine.title in page and "Preuve à examiner" not in page
    assert '<span class="badge" aria-label="1 unread">1</span>' in page


@pytest.mark.usefixtures("english")
def test_the_outsider_sees_none_of_it(login, cast):
    theirs = message_for(cast["coachee"], title="Séance demain avec le coach")
    client = login(cast["outsider"])
    page = text(client.get("/notifications/"))
    assert theirs.title not in page and "No notification yet." in page
    assert client.get(f"/n/{theirs.code}").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_the_short_link_marks_read_and_leads_to_the_record(login, cast):
    notification = message_for(cast["coachee"])
    response = login(cast["coachee"]).get(f"/n/{notification.code}")
    assert response.status_code == 302 and response["Location"] == "/coaching/actions/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_the_short_link_asks_a_visitor_to_sign_in_first(client, cast):
    notification = message_for(cast["coachee"])
    response = client.get(f"/n/{notification.code}")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_mark_all_as_read(login, cast):
    message_for(cast["coachee"])
    message_for(cast["coachee"])
    other = message_for(cast["coach"])
    response = login(cast["coachee"]).post("/notifications/read-all/")
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=cast["coachee"], read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None


@pytest.mark.usefixtures("english")
def test_preferences_are_saved_per_kind_with_quiet_hours(login, cast):
    client = login(cast["coachee"])
    page = text(client.get("/notifications/preferences/"))
    assert "Session tomorrow" in page and "Add an e-mail address" in page
    data = {"quiet_start": "20:00", "quiet_end": "06:30", "sms_session_tomorrow": "on", "email_weekly_digest": "on"}
    response = client.post("/notifications/preferences/", data)
    assert response.status_code == 302
    preferences = Preferences.objects.get(user=cast["coachee"])
    assert preferences.wants(Kind.SESSION_TOMORROW, "sms") and not preferences.wants(Kind.ACTION_OVERDUE, "sms")
    assert (preferences.quiet_start, preferences.quiet_end) == (datetime.time(20), datetime.time(6, 30))


@pytest.mark.usefixtures("english")
def test_quiet_hours_need_both_ends(login, cast):
    response = login(cast["coachee"]).post("/notifications/preferences/", {"quiet_start": "20:00"})
    assert response.status_code == 200 and "both ends" in text(response)
    assert not Preferences.objects.exists()


def test_each_page_asks_a_visitor_to_sign_in(client, db):
    for url in ("/notifications/", "/notifications/preferences/"):
        assert client.get(url)["Location"].startswith("/login/")

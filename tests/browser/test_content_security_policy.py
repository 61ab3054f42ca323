"""The Content-Security-Policy breaks nothing: pages, the recorder, the API docs and the admin run in
Chromium without a single CSP violation."""

from pevcoach.coaching.models import Relationship
from pevcoach.demo.coaching import demo_id
from tests.browser.test_login import sign_in


def _violations(page):
    found = []
    page.on("console", lambda message: found.append(message.text)
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text else None)
    return found


def test_no_page_trips_the_policy(demo_server, phone):
    violations = _violations(phone)
    relationship = Relationship.objects.get(pk=demo_id("kadiolo/relationship"))
    sign_in(phone, demo_server.url, "coach.kadiolo")
    phone.wait_for_selector("h1")
    for path in ["/", "/coaching/", f"/coaching/r/{relationship.pk}/", f"/coaching/r/{relationship.pk}/record/",
                 "/coaching/actions/", "/profile/", "/notifications/", "/api/v1/docs"]:
        phone.goto(demo_server.url + path)
        phone.wait_for_load_state("networkidle")
    assert phone.locator(".swagger-ui").count() == 1  # the API docs rendered under the policy
    assert violations == []


def test_the_admin_runs_under_its_policy(demo_server, phone):
    violations = _violations(phone)
    sign_in(phone, demo_server.url, "admin")
    phone.wait_for_selector("h1")
    for path in ["/admin/", "/admin/accounts/user/", "/admin/audit/auditentry/"]:
        phone.goto(demo_server.url + path)
        phone.wait_for_load_state("networkidle")
    assert violations == []

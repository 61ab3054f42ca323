"""Privacy by default in real Chromium: a disabled account's phone wipes what it holds."""

from pevcoach.accounts import services
from pevcoach.accounts.models import User
from tests.browser.test_login import sign_in
from tests.browser.test_offline import context, wait_until_kept  # noqa: F401 - the phone-sized context

COUNT_RECORDS = """new Promise(r => { const o = indexedDB.open('pevcoach'); o.onsuccess = () => {
    const t = o.result.transaction('records'); const q = t.objectStore('records').count();
    q.onsuccess = () => r(q.result); }; })"""


def test_disabling_an_account_wipes_its_phone_at_the_next_sync(demo_server, context):  # noqa: F811
    page = context.new_page()
    sign_in(page, demo_server.url, "agent.kadiolo")
    wait_until_kept(page, "/")
    for _ in range(100):  # the first sync fills the phone with the coachee's coaching
        if page.evaluate(COUNT_RECORDS) > 0:
            break
        page.wait_for_timeout(200)
    assert page.evaluate(COUNT_RECORDS) > 0

    agent = User.objects.get(username="agent.kadiolo")
    services.update_person(user=agent, org_unit=agent.org_unit, roles=agent.roles, is_active=False)

    page.evaluate("window.pevSync.sync('button')")
    page.wait_for_url("**/login/")
    assert page.evaluate(COUNT_RECORDS) == 0
    assert "pages" not in page.evaluate("caches.keys()")

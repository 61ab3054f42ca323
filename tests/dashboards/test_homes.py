"""The coachee's and the coach's home pages (front/home.html, composed in dashboards/homes.py)."""

import re

from tests.dashboards.conftest import PRACTICE_SUMMARY


def home(login_en, user):
    response = login_en(user).get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_coachee_home_shows_goals_actions_next_session_figures_and_feedback(login_en, world):
    html = home(login_en, world["coachee"])
    assert "My coaching" in html
    assert "Active goal of coachee" in html and "<progress" in html
    assert "Achieved goal of coachee" not in html  # only goals in progress
    practice_goal = html[html.index("Practice goal of coachee"):]
    assert 'value="100"' in practice_goal[:300]  # a practice goal follows its actions: its one action is done
    assert "Overdue coachee" in html and 'class="late">overdue' in html
    assert "Next session" in html
    assert "What works for coachee" in html
    figures = html[html.index('<ul class="kpis">'):]
    assert figures.count('<svg class="spark"') == 5  # Penta1, Penta3, RR1, dropout, zero-dose
    assert "RED 2" in figures and "Category 2: good access, poor use" in figures
    assert "Figures by month" in figures  # the table behind the sparklines


def test_coachee_home_stays_light_with_everything_on_it(login_en, world):
    response = login_en(world["coachee"]).get("/")
    assert len(response.content) < 16_000


def test_a_trainee_sees_nothing_of_practice_on_their_home(login_en, world):
    html = home(login_en, world["sibling"])
    assert "PRACTICE overdue" not in html and "Achieved goal of sibling" not in html
    assert "Active goal of sibling" not in html and "What works for sibling" not in html


def test_coach_home_ranks_coachees_and_says_why(login_en, world):
    html = home(login_en, world["coach"])
    assert "My coachees" in html and "Whom to visit next" in html
    visit_next = html[html.index('<ol class="next">'):html.index("</ol>")]
    assert str(world["coachee"]) in visit_next
    reasons = re.findall(r"<li>([^<]+)</li>", visit_next)
    assert "1 overdue action" in reasons
    assert any(r.startswith("Penta3 coverage worsening: 90 → 55") for r in reasons)  # 36/40 → 22/40 a month
    assert str(world["sibling"]) not in html  # a practice pair is no coachee to visit
    assert "Upcoming sessions" in html and PRACTICE_SUMMARY not in html


def test_coach_home_lists_every_active_coachee_most_in_need_first(login_en, world, tree):
    from tests.dashboards.conftest import _relationship
    from tests.factories import UserFactory

    quiet = UserFactory(username="quiet", first_name="Quiet", org_unit=tree["K2"], roles=["coachee"])
    _relationship(world["coach"], quiet)
    html = home(login_en, world["coach"])
    listing = html[html.index("All my coachees"):]
    assert listing.index(str(world["coachee"])) < listing.index(str(quiet))
    assert "No session held yet" in html  # the new pair's reason

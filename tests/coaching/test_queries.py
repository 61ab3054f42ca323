import pytest

from pevcoach.coaching import services
from pevcoach.coaching.queries import (
    actions_visible_to,
    feedback_visible_to,
    relationships_visible_to,
    sessions_visible_to,
    support_ratings_of,
)
from pevcoach.orgunits.queries import org_units_visible_to


@pytest.mark.parametrize(
    ("who", "sees"),
    [("coach", True), ("coachee", True), ("district_manager", True), ("region_manager", True),
     ("superuser", True), ("district_admin", True),
     ("outsider", False), ("sibling", False), ("far_admin", False)],
)
def test_who_sees_a_relationship_and_what_is_in_it(cast, relationship, action, session, who, sees):
    user = cast[who]
    assert relationships_visible_to(user).filter(pk=relationship.pk).exists() is sees
    assert actions_visible_to(user).filter(pk=action.pk).exists() is sees
    assert sessions_visible_to(user).filter(pk=session.pk).exists() is sees


def test_a_coach_sees_the_centres_of_their_coachees(cast, relationship, tree):
    assert org_units_visible_to(cast["coach"]).filter(pk=tree["K1"].pk).exists()
    assert not org_units_visible_to(cast["coach"]).filter(pk=tree["K2"].pk).exists()
    assert not org_units_visible_to(cast["outsider"]).filter(pk=tree["K1"].pk).exists()


def test_ratings_of_the_coach_are_read_one_by_one_only_by_their_author(cast, relationship):
    services.rate_support(by=cast["coachee"], relationship=relationship, session_useful=2, listened_to=2,
                          support_received=2, comment="Peu d'écoute")
    services.give_feedback(by=cast["coach"], relationship=relationship, what_works="Bon registre")
    assert feedback_visible_to(cast["coachee"]).count() == 2
    assert feedback_visible_to(cast["coach"]).count() == 1
    assert feedback_visible_to(cast["district_manager"]).count() == 1
    assert support_ratings_of(cast["coach"]).count() == 1


def test_practice_ratings_are_not_counted(cast, tree):
    r = services.propose_relationship(by=cast["coach"], coach=cast["coach"], coachee=cast["sibling"],
                                      aims="Atelier", rhythm="Exercice", is_practice=True)
    services.accept_relationship(by=cast["sibling"], relationship=r)
    services.rate_support(by=cast["sibling"], relationship=r, session_useful=1, listened_to=1, support_received=1)
    assert not support_ratings_of(cast["coach"]).exists()

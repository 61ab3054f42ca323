"""A world for authorization tests: the same kinds of records at four places of the tree.

    own      centre K1   coach (district K) ↔ coachee            — the cast's own relationship
    sibling  centre K2   coach2 (district K) ↔ sibling           — a sibling facility
    other    centre B1   outsider (district B) ↔ coachee_b       — another district of the region
    parent   region A    rcoach (region A) ↔ rcoachee (region A) — the level above the districts

Every text of those records carries a marker (MARK-<place>-…) and the coachee's rating of the
coach RATING-<place>, so any response can be searched for what must not be in it.
"""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from pevcoach.accounts import services as accounts
from pevcoach.accounts.models import ApiToken
from pevcoach.coaching import services
from pevcoach.coaching.models import ChecklistItem, ChecklistTemplate, Session
from pevcoach.indicators.models import ImportLog, ImportSource, ImportStatus
from pevcoach.notifications.models import Kind, Notification
from pevcoach.sync.models import Conflict
from tests.coaching.conftest import action, goal_fields, relationship, session, soon, template  # noqa: F401
from tests.factories import UserFactory

PLACES = ("own", "sibling", "other", "parent")


def _photo():
    out = io.BytesIO()
    Image.new("RGB", (24, 16), (10, 120, 80)).save(out, "JPEG")
    return SimpleUploadedFile("evidence.jpg", out.getvalue(), content_type="image/jpeg")


def _records(place, *, unit, coach, coachee, admin):
    due = timezone.localdate() + datetime.timedelta(days=20)
    r = services.propose_relationship(by=coach, coach=coach, coachee=coachee, aims=f"MARK-{place}-aims",
                                      rhythm="Une visite par mois")
    r = services.accept_relationship(by=coachee, relationship=r)
    visit = services.schedule_session(by=coach, relationship=r, mode=Session.Mode.IN_PERSON,
                                        scheduled_for=timezone.now() + datetime.timedelta(days=1), place="CSCom")
    visit = services.save_stage_notes(by=coach, session=visit, stage="goal", notes=f"MARK-{place}-notes")
    goal = services.set_goal(by=coach, relationship=r, **goal_fields(statement=f"MARK-{place}-goal"))
    todo = services.assign_action(by=coach, relationship=r, owner=coachee, description=f"MARK-{place}-action",
                                    due_date=due)
    evidence = services.add_evidence(by=coachee, action=todo, note=f"MARK-{place}-evidence", photo=_photo())
    feedback = services.give_feedback(by=coach, relationship=r, what_works=f"MARK-{place}-feedback")
    rating = services.rate_support(by=coachee, relationship=r, comment=f"RATING-{place}", session_useful=2,
                                   listened_to=3, support_received=4)
    form = ChecklistTemplate.objects.get()
    answers = {item.pk: ("yes", "") for item in ChecklistItem.objects.filter(section__template=form)}
    checklist = services.fill_checklist(by=coach, relationship=r, template=form, answers=answers,
                                        session=visit)
    conflict = Conflict.objects.create(model="actions", object_id=todo.pk, relationship=r,
                                       field="completion_note", base_value="", server_value="",
                                       client_value=f"MARK-{place}-conflict", author=coachee)
    notification = Notification.objects.create(recipient=coachee, kind=Kind.ACTION_DUE_SOON, object_id=str(todo.pk),
                                               occasion="matrix", title=f"NOTE-{place}", body=f"NOTE-{place}", url="/")
    accounts.issue_api_token(user=coachee, label="phone")
    token = ApiToken.objects.filter(user=coachee).latest("pk")
    invitation = accounts.create_invitation(created_by=admin, org_unit=unit, label="atelier",
                                            expires_on=due)
    pending = accounts.create_user(username=f"pending-{place}", password="pass-word-42", org_unit=unit,
                                   is_active=False, registered_with=invitation, roles=["coachee"])
    import_log = ImportLog.objects.create(source=ImportSource.DATA_VALUES_FILE, name=f"import-{place}", scope=unit,
                                          status=ImportStatus.SUCCESS)
    return {
        "unit": unit, "coach": coach, "coachee": coachee, "person": coachee, "relationship": r, "session": visit,
        "goal": goal, "action": todo, "evidence": evidence, "feedback": feedback, "rating": rating,
        "checklist": checklist, "conflict": conflict, "notification": notification, "token": token,
        "pending": pending, "import_log": import_log,
    }


@pytest.fixture
def world(tree, cast, settings, tmp_path):
    """{place: {kind: record}} for the four places, and `roles`: {role: user or None}."""
    settings.MEDIA_ROOT = tmp_path / "media"  # the evidence photos of the world
    su = cast["superuser"]
    coach2 = UserFactory(username="coach2", org_unit=tree["district"], roles=["coach"])
    coachee_b = UserFactory(username="coachee_b", org_unit=tree["B1"], roles=["coachee"])
    rcoach = UserFactory(username="rcoach", org_unit=tree["region"], roles=["coach"])
    rcoachee = UserFactory(username="rcoachee", org_unit=tree["region"], roles=["coachee"])
    places = {
        "own": _records("own", unit=tree["K1"], coach=cast["coach"], coachee=cast["coachee"], admin=su),
        "sibling": _records("sibling", unit=tree["K2"], coach=coach2, coachee=cast["sibling"], admin=su),
        "other": _records("other", unit=tree["B1"], coach=cast["outsider"], coachee=coachee_b, admin=su),
        "parent": _records("parent", unit=tree["region"], coach=rcoach, coachee=rcoachee, admin=su),
    }
    roles = {
        "coachee": cast["coachee"], "coach": cast["coach"], "dmanager": cast["district_manager"],
        "dadmin": cast["district_admin"], "rmanager": cast["region_manager"], "superuser": su, "anonymous": None,
    }
    return {"places": places, "roles": roles}

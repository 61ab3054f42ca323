"""Demo coaching between coach.kadiolo and agent.kadiolo (and the same in Bougouni).

Records are written through the coaching services, with fixed ids so a second run
finds them in place. The demo needs a past (sessions held, actions overdue), which
the services rightly refuse for new records; after creating them we move their dates
back with plain updates, a demo-only step.
"""

import datetime
import uuid

from django.utils import timezone

from pevcoach.accounts.models import User
from pevcoach.coaching import services
from pevcoach.coaching.models import Action, ChecklistTemplate, Goal, Relationship, Session

NAMESPACE = uuid.UUID("6f2b8a58-8c9e-4f7e-9a51-3d0c5e2f7a10")


def demo_id(name):
    return uuid.uuid5(NAMESPACE, name)


def _at(days, hour=9):
    """A moment `days` from today (negative: in the past), at a fixed hour, in Bamako time."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _backdate(model, pk, **fields):
    model.objects.filter(pk=pk).update(**fields)


def load_coaching():
    for district in ("kadiolo", "bougouni"):
        coach = User.objects.get(username=f"coach.{district}")
        coachee = User.objects.get(username=f"agent.{district}")
        relationship = _relationship(district, coach, coachee)
        _history(district, relationship, coach, coachee)


def _relationship(district, coach, coachee):
    pk = demo_id(f"{district}/relationship")
    existing = Relationship.objects.filter(pk=pk).first()
    if existing:
        return existing
    relationship = services.propose_relationship(
        by=coach, coach=coach, coachee=coachee, id=pk,
        aims="Améliorer la couverture Penta3 et réduire les abandons entre Penta1 et Penta3 dans l'aire de santé.",
        rhythm="Une visite par mois au CSCom, un appel téléphonique entre deux visites",
        ways_of_working="Nous nous écoutons, ce qui est dit reste entre nous, chacun réalise les actions convenues.",
    )
    services.accept_relationship(by=coachee, relationship=relationship)
    _backdate(Relationship, pk, created_at=_at(-75))
    return Relationship.objects.get(pk=pk)


GROW = {
    "goal_notes": "Ramener l'abandon Penta1–Penta3 sous 10 % d'ici trois mois.",
    "reality_notes": "Abandon autour de 18 % ; deux villages en stratégie avancée non visités le mois dernier ; "
                     "pas de liste des perdus de vue.",
    "options_notes": "Liste mensuelle des perdus de vue pour les relais ; reprogrammer la stratégie avancée ; "
                     "messages au marché le jour de foire.",
    "will_notes": "Le vaccinateur fait la liste chaque fin de mois ; le coach obtient deux porte-vaccins au district.",
}


def _session(name, relationship, by, other, *, days, mode, completed=True):
    pk = demo_id(name)
    if Session.objects.filter(pk=pk).exists():
        return Session.objects.get(pk=pk)
    session = services.schedule_session(by=by, relationship=relationship, id=pk, scheduled_for=_at(1),
                                        mode=mode, place="CSCom" if mode == Session.Mode.IN_PERSON else "")
    if completed:
        session = services.update_session(by=by, session=session, **GROW)
        session = services.complete_session(by=by, session=session,
                                            summary="Objectif d'abandon fixé, liste des perdus de vue à faire.")
        session = services.confirm_session(by=other, session=session)
    _backdate(Session, pk, scheduled_for=_at(days), created_at=_at(days - 7))
    return Session.objects.get(pk=pk)


def _history(district, relationship, coach, coachee):
    visit = _session(f"{district}/visit-1", relationship, coach, coachee, days=-60, mode=Session.Mode.IN_PERSON)
    call = _session(f"{district}/call-2", relationship, coach, coachee, days=-28, mode=Session.Mode.PHONE)
    _session(f"{district}/visit-3", relationship, coach, coachee, days=5, mode=Session.Mode.IN_PERSON,
             completed=False)

    goal_pk = demo_id(f"{district}/goal-dropout")
    if not Goal.objects.filter(pk=goal_pk).exists():
        services.set_goal(
            by=coach, relationship=relationship, session=visit, id=goal_pk, kind=Goal.Kind.INDICATOR,
            statement="Réduire le taux d'abandon Penta1–Penta3 de 18 % à 10 % au plus, mesuré dans le DHIS2.",
            indicator="DOR_P1P3", baseline_value=18, baseline_period="3 derniers mois", target_value=10,
            source="DHIS2", problem=Goal.Problem.DROPOUT, problem_note="Abandon élevé, catégorie RED 2",
            deadline=timezone.localdate() + datetime.timedelta(days=30),
            review_dates=[timezone.localdate() + datetime.timedelta(days=5)])
        _backdate(Goal, goal_pk, start_date=timezone.localdate() - datetime.timedelta(days=60),
                  created_at=_at(-60))
    practice_pk = demo_id(f"{district}/goal-fridge")
    if not Goal.objects.filter(pk=practice_pk).exists():
        services.set_goal(
            by=coachee, relationship=relationship, session=call, id=practice_pk, kind=Goal.Kind.PRACTICE,
            statement="Relever la température du réfrigérateur deux fois par jour, tous les jours.",
            practice="Relevé de température deux fois par jour", baseline_value=40, target_value=100,
            source="Fiche de température (jours complets, %)", problem=Goal.Problem.CHECKLIST_GAP,
            deadline=timezone.localdate() + datetime.timedelta(days=45),
            review_dates=[timezone.localdate() + datetime.timedelta(days=5)])

    goal = Goal.objects.get(pk=goal_pk)
    actions = [
        # name, owner, description, due in days, status, evidence note
        ("list", coachee, "Établir la liste des enfants perdus de vue et la donner aux relais.", -10, "done",
         "Liste de 14 enfants remise aux 3 relais le 2 du mois."),
        ("carriers", coach, "Obtenir deux porte-vaccins supplémentaires au district.", -5, "open", None),
        ("outreach", coachee, "Reprogrammer la stratégie avancée à Kanian et Dioula.", -3, "open", None),
        ("market", coachee, "Passer les messages de vaccination au marché le jour de foire.", 12, "open", None),
    ]
    for name, owner, description, due, status, note in actions:
        pk = demo_id(f"{district}/action-{name}")
        if Action.objects.filter(pk=pk).exists():
            continue
        action = services.assign_action(by=coach, relationship=relationship, id=pk, description=description,
                                        owner=owner, due_date=timezone.localdate() + datetime.timedelta(days=30),
                                        session=visit, goal=goal)
        if note:
            services.add_evidence(by=owner, action=action, note=note, id=demo_id(f"{district}/evidence-{name}"))
        if status == "done":
            services.complete_action(by=owner, action=action, note="Fait avec les relais.")
        _backdate(Action, pk, due_date=timezone.localdate() + datetime.timedelta(days=due), created_at=_at(-60))

    if not relationship.feedback.exists():
        services.give_feedback(
            by=coach, relationship=relationship, session=visit, id=demo_id(f"{district}/feedback-coach"),
            what_works="Le registre est bien tenu et les cartes sont vérifiées à chaque séance.",
            to_improve="Deux séances avancées n'ont pas eu lieu : une centaine d'enfants n'ont pas été vus.",
            request="Reprogrammer ces séances avant la fin du mois.")
        services.rate_support(by=coachee, relationship=relationship, session=visit,
                              id=demo_id(f"{district}/feedback-coachee"), session_useful=5, listened_to=4,
                              support_received=4, comment="Les questions m'ont aidé à voir le problème.")

    checklist_pk = demo_id(f"{district}/checklist-1")
    template = ChecklistTemplate.objects.filter(is_active=True).first()
    if template and not relationship.checklists.filter(pk=checklist_pk).exists():
        items = [item for section in template.sections.all() for item in section.items.all()]
        scores = ["yes", "yes", "partly", "no", "yes", "na"]
        services.fill_checklist(by=coach, relationship=relationship, session=visit, template=template,
                                id=checklist_pk, answers={item.pk: (scores[i % len(scores)], "")
                                                          for i, item in enumerate(items)})

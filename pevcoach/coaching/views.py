"""Pages of the coaching process. Each view: find the record through a query function,
parse a form, call one service, render or redirect."""

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pevcoach.coaching import forms, services
from pevcoach.coaching.indicator_link import indicator_choices, reality_indicators
from pevcoach.coaching.models import (
    RATING_FIELDS,
    STAGE_ORDER,
    Action,
    ChecklistTemplate,
    Evidence,
    Goal,
    Question,
    Relationship,
    Session,
    Stage,
)
from pevcoach.coaching.queries import (
    actions_visible_to,
    checklists_visible_to,
    coach_candidates_for,
    coachee_candidates_for,
    evidence_visible_to,
    goals_visible_to,
    practice_people_for,
    relationships_visible_to,
    sessions_visible_to,
    support_ratings_of,
    timeline,
)
from pevcoach.coaching.scoring import aggregate_ratings, checklist_scores, ratings_by_quarter
from pevcoach.orgunits.models import Level, OrgUnit


def _apply(form, exc):
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _relationship(request, pk):
    return get_object_or_404(relationships_visible_to(request.user).select_related("coach", "coachee", "org_unit"),
                             pk=pk)


def _session(request, pk):
    return get_object_or_404(sessions_visible_to(request.user).select_related(
        "relationship__coach", "relationship__coachee", "relationship__org_unit"), pk=pk)


# --- Relationships --------------------------------------------------------------------

@login_required
def relationship_list(request):
    user = request.user
    relationships = relationships_visible_to(user).select_related("coach", "coachee", "org_unit")
    mine = relationships.filter(Q(coach=user) | Q(coachee=user))
    overseen = relationships.exclude(Q(coach=user) | Q(coachee=user)) if (
        user.is_manager or user.is_org_admin or user.is_superuser) else Relationship.objects.none()
    return render(request, "coaching/relationship_list.html", {"mine": mine, "overseen": overseen[:200]})


@login_required
def propose(request):
    user = request.user
    as_coach = user.is_coach
    if not (user.is_coach or user.is_coachee):
        raise PermissionDenied
    partners = coachee_candidates_for(user) if as_coach else coach_candidates_for(user)
    form = forms.RelationshipForm(request.POST or None, partners=partners,
                                  partner_label=_("Coachee") if as_coach else _("Coach"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        coach, coachee = (user, data["partner"]) if as_coach else (data["partner"], user)
        try:
            relationship = services.propose_relationship(
                by=user, coach=coach, coachee=coachee, aims=data["aims"], rhythm=data["rhythm"],
                ways_of_working=data["ways_of_working"])
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Proposal sent: it starts once %(name)s accepts.") % {"name": data["partner"]})
            return redirect("coaching:relationship", pk=relationship.pk)
    return render(request, "coaching/propose.html", {"form": form})


@login_required
def relationship_detail(request, pk):
    """The timeline: sessions, goals with progress, actions, feedback and checklist scores (the last year
    and what is still open; `?all=1` for the whole history)."""
    relationship = _relationship(request, pk)
    user = request.user
    context = {
        "r": relationship,
        "side": relationship.party_of(user),
        **timeline(relationship, user, whole=request.GET.get("all") == "1"),
        "events": relationship.events.select_related("by"),
        "today": timezone.localdate(),
    }
    return render(request, "coaching/relationship.html", context)


@login_required
@require_POST
def relationship_decision(request, pk):
    relationship = _relationship(request, pk)
    decision = request.POST.get("decision")
    try:
        if decision == "accept":
            services.accept_relationship(by=request.user, relationship=relationship)
        elif decision in (Relationship.Status.PAUSED, Relationship.Status.ACTIVE, Relationship.Status.CLOSED):
            services.change_relationship_status(by=request.user, relationship=relationship, status=decision,
                                                note=request.POST.get("note", ""))
        else:
            raise ValidationError(_("Unknown decision."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("coaching:relationship", pk=relationship.pk)


@login_required
def practice(request):
    """A workshop facilitator pairs trainees on a demo centre; nothing there counts as real work."""
    user = request.user
    if not (user.is_org_admin or user.is_coach or user.is_superuser):
        raise PermissionDenied
    form = forms.PracticeForm(request.POST or None, people=practice_people_for(user),
                              facilities=OrgUnit.objects.filter(is_demo=True, level=Level.FACILITY))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            relationship = services.propose_relationship(
                by=user, coach=data["coach"], coachee=data["coachee"], org_unit=data["facility"], is_practice=True,
                aims=_("Practise a GROW session during the workshop."), rhythm=_("Workshop exercise"))
            for party in (data["coach"], data["coachee"]):
                if not relationship.has_accepted(party):
                    services.accept_relationship(by=party, relationship=relationship)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Practice relationship ready."))
            return redirect("coaching:relationship", pk=relationship.pk)
    return render(request, "coaching/practice.html", {"form": form})


# --- Sessions ----------------------------------------------------------------------------

@login_required
def schedule(request, pk):
    relationship = _relationship(request, pk)
    form = forms.SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.schedule_session(by=request.user, relationship=relationship, **form.cleaned_data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            return redirect("coaching:session", pk=session.pk)
    return render(request, "coaching/schedule.html", {"form": form, "r": relationship})


@login_required
def session_detail(request, pk):
    session = _session(request, pk)
    return render(request, "coaching/session.html", {
        "s": session, "r": session.relationship, "side": session.relationship.party_of(request.user),
        "stages": [(stage, session.notes_for(stage)) for stage in STAGE_ORDER],
        "not_held_form": forms.NotHeldForm(), "goals": session.goals.all(),
        "actions": session.actions.select_related("owner"), "checklists": session.checklists.all(),
    })


@login_required
def stage(request, pk, stage):
    """One screen per GROW stage: its questions, the notes, and on Reality the facts."""
    session = _session(request, pk)
    if stage not in Stage.values:
        raise PermissionDenied
    form = forms.NotesForm(request.POST or None, initial={"notes": session.notes_for(stage)})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_stage_notes(by=request.user, session=session, stage=stage, notes=form.cleaned_data["notes"])
        except ValidationError as exc:
            _apply(form, exc)
        else:
            index = STAGE_ORDER.index(stage)
            if "previous" in request.POST and index > 0:
                return redirect("coaching:stage", pk=session.pk, stage=STAGE_ORDER[index - 1])
            if index + 1 < len(STAGE_ORDER):
                return redirect("coaching:stage", pk=session.pk, stage=STAGE_ORDER[index + 1])
            return redirect("coaching:finish", pk=session.pk)
    language = get_language()
    context = {
        "s": session, "r": session.relationship, "stage": Stage(stage), "form": form,
        "questions": [q.text(language) for q in Question.objects.filter(stage=stage, is_active=True)],
        "steps": STAGE_ORDER, "is_first": stage == STAGE_ORDER[0],
    }
    if stage == Stage.REALITY:
        context["carried_over"] = session.relationship.actions.filter(
            status__in=Action.STILL_OPEN).exclude(session=session).select_related("owner")
        context["indicators"] = reality_indicators(session.relationship.org_unit)
    return render(request, "coaching/stage.html", context)


@login_required
def finish(request, pk):
    session = _session(request, pk)
    form = forms.FinishForm(request.POST or None, initial={"summary": session.summary})
    if request.method == "POST" and form.is_valid():
        try:
            services.complete_session(by=request.user, session=session, summary=form.cleaned_data["summary"])
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Session closed. The other party confirms it."))
            return redirect("coaching:session", pk=session.pk)
    return render(request, "coaching/finish.html", {"s": session, "form": form})


@login_required
@require_POST
def confirm(request, pk):
    session = _session(request, pk)
    try:
        services.confirm_session(by=request.user, session=session)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("coaching:session", pk=session.pk)


@login_required
@require_POST
def not_held(request, pk):
    session = _session(request, pk)
    form = forms.NotHeldForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the session did not take place."))
        services.record_session_not_held(by=request.user, session=session, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("coaching:session", pk=session.pk)


@login_required
def record(request, pk):
    """Record a whole session on one screen, with or without network: the phone keeps it in its
    outbox and the sync sends it through the same services as every other page."""
    relationship = _relationship(request, pk)
    if relationship.party_of(request.user) is None or relationship.status != Relationship.Status.ACTIVE:
        raise PermissionDenied
    language = get_language()
    questions = {stage: [] for stage in STAGE_ORDER}
    for question in Question.objects.filter(is_active=True):
        questions[question.stage].append(question.text(language))
    template = ChecklistTemplate.objects.filter(is_active=True).prefetch_related("sections__items").first()
    return render(request, "coaching/record.html", {
        "r": relationship, "stages": [(stage, questions[stage]) for stage in STAGE_ORDER],
        "carried_over": relationship.actions.filter(status=Action.Status.OPEN).select_related("owner"),
        "indicators": reality_indicators(relationship.org_unit), "template": template, "language": language,
        "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "modes": Session.Mode.choices,
        "indicator_choices": indicator_choices(), "problems": Goal.Problem.choices,
        "due": (timezone.localdate() + timezone.timedelta(days=14)).isoformat(),
    })


# --- Checklists --------------------------------------------------------------------------

@login_required
def checklist_new(request, pk):
    session = _session(request, pk)
    template = ChecklistTemplate.objects.filter(is_active=True).first()
    if template is None:
        raise PermissionDenied
    form = forms.ChecklistForm(request.POST or None, template=template, language=get_language())
    if request.method == "POST" and form.is_valid():
        try:
            checklist = services.fill_checklist(by=request.user, relationship=session.relationship, session=session,
                                                template=template, answers=form.answers(), language=get_language())
        except ValidationError as exc:
            _apply(form, exc)
        else:
            return redirect("coaching:checklist", pk=checklist.pk)
    return render(request, "coaching/checklist_form.html", {"s": session, "form": form, "template": template})


@login_required
def checklist_detail(request, pk):
    checklist = get_object_or_404(checklists_visible_to(request.user).select_related("template", "relationship"),
                                  pk=pk)
    answers = checklist.answers.select_related("item__section").prefetch_related(
        Prefetch("actions", queryset=Action.objects.select_related("owner")))
    language = get_language()
    sections, total = checklist_scores((a.item.section.title(language), a.score) for a in answers)
    return render(request, "coaching/checklist.html", {
        "c": checklist, "r": checklist.relationship, "answers": answers, "sections": sections, "total": total,
        "language": language, "proposed_form": forms.ProposedActionForm,
    })


@login_required
@require_POST
def decide_proposed(request, pk):
    action = get_object_or_404(actions_visible_to(request.user).select_related("relationship"), pk=pk)
    form = forms.ProposedActionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Check the description and the due date."))
        data = form.cleaned_data
        services.decide_proposed_action(by=request.user, action=action, accept=data["decision"] == "accept",
                                        description=data["description"], due_date=data["due_date"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    answer = action.checklist_answer
    if answer is not None:
        return redirect("coaching:checklist", pk=answer.checklist_id)
    return redirect("coaching:action", pk=action.pk)


# --- Goals ---------------------------------------------------------------------------------

@login_required
def goal_new(request, pk):
    relationship = _relationship(request, pk)
    session = None
    if request.GET.get("session"):
        session = get_object_or_404(relationship.sessions, pk=request.GET["session"])
    form = forms.GoalForm(request.POST or None, indicator_choices=indicator_choices())
    verdicts = None
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        verdicts = services.smart.check_smart(services.goal_draft(relationship=relationship, fields=fields))
        if "check" not in request.POST:
            try:
                goal = services.set_goal(by=request.user, relationship=relationship, session=session, **fields)
            except ValidationError as exc:
                _apply(form, exc)
            else:
                messages.success(request, _("Goal recorded."))
                return redirect("coaching:goal", pk=goal.pk)
    return render(request, "coaching/goal_form.html", {"form": form, "r": relationship, "verdicts": verdicts})


@login_required
def goal_detail(request, pk):
    goal = get_object_or_404(goals_visible_to(request.user).select_related("relationship", "org_unit"), pk=pk)
    return render(request, "coaching/goal.html", {
        "g": goal, "r": goal.relationship, "actions": goal.actions.select_related("owner"),
        "side": goal.relationship.party_of(request.user), "statuses": Goal.Status.choices,
    })


@login_required
@require_POST
def goal_status(request, pk):
    goal = get_object_or_404(goals_visible_to(request.user).select_related("relationship"), pk=pk)
    try:
        services.update_goal(by=request.user, goal=goal, status=request.POST.get("status"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("coaching:goal", pk=goal.pk)


# --- Actions --------------------------------------------------------------------------------

@login_required
def action_new(request, pk):
    relationship = _relationship(request, pk)
    session = None
    if request.GET.get("session"):
        session = get_object_or_404(relationship.sessions, pk=request.GET["session"])
    form = forms.ActionForm(request.POST or None, relationship=relationship)
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_action(by=request.user, relationship=relationship, session=session, **form.cleaned_data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Action added."))
            if session is not None:
                return redirect("coaching:session", pk=session.pk)
            return redirect("coaching:relationship", pk=relationship.pk)
    return render(request, "coaching/action_form.html", {"form": form, "r": relationship, "s": session})


@login_required
def action_detail(request, pk):
    action = get_object_or_404(actions_visible_to(request.user).select_related(
        "relationship__coach", "relationship__coachee", "owner", "goal"), pk=pk)
    complete_form = forms.CompleteForm(request.POST if "_complete" in request.POST else None)
    evidence_form = forms.EvidenceForm(request.POST if "_evidence" in request.POST else None,
                                       request.FILES if "_evidence" in request.POST else None)
    if request.method == "POST":
        try:
            if "_complete" in request.POST and complete_form.is_valid():
                services.complete_action(by=request.user, action=action,
                                         note=complete_form.cleaned_data["completion_note"])
                messages.success(request, _("Action marked as done."))
                return redirect("coaching:action", pk=action.pk)
            if "_evidence" in request.POST and evidence_form.is_valid():
                services.add_evidence(by=request.user, action=action, **evidence_form.cleaned_data)
                messages.success(request, _("Evidence sent for review."))
                return redirect("coaching:action", pk=action.pk)
        except ValidationError as exc:
            _apply(evidence_form if "_evidence" in request.POST else complete_form, exc)
    return render(request, "coaching/action.html", {
        "a": action, "r": action.relationship, "side": action.relationship.party_of(request.user),
        "evidence": evidence_visible_to(request.user).filter(action=action).select_related("submitted_by"),
        "complete_form": complete_form, "evidence_form": evidence_form, "review_form": forms.ReviewForm(),
        "today": timezone.localdate(),
    })


@login_required
@require_POST
def review(request, pk):
    evidence = get_object_or_404(evidence_visible_to(request.user).select_related("action__relationship"), pk=pk)
    form = forms.ReviewForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose accept or return."))
        services.review_evidence(by=request.user, evidence=evidence, accepted=form.cleaned_data["decision"] == "accept",
                                 comment=form.cleaned_data["comment"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("coaching:action", pk=evidence.action_id)


@login_required
def evidence_photo(request, pk):
    """An evidence photo, to those who see the evidence only (photos are never served as public files)."""
    return evidence_photo_response(request.user, pk)


def evidence_photo_response(user, pk):
    """The photo of evidence `pk` if `user` may see that evidence, else 404 (the page and the API serve it)."""
    evidence = get_object_or_404(evidence_visible_to(user).exclude(photo=""), pk=pk)
    response = FileResponse(evidence.photo.open("rb"), content_type=mimetypes.guess_type(evidence.photo.name)[0]
                            or "image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response


@login_required
def my_actions(request):
    """Open and overdue actions the person owns, or shares as the other party."""
    user = request.user
    actions = actions_visible_to(user).filter(
        Q(relationship__coach=user) | Q(relationship__coachee=user),
        status__in=Action.STILL_OPEN,
    ).select_related("owner").only(  # a coach may have a hundred open: read only what the list shows
        "description", "due_date", "status", "owner__first_name", "owner__last_name", "owner__username")
    pending_reviews = evidence_visible_to(user).filter(review=Evidence.Review.PENDING).exclude(
        submitted_by=user).filter(Q(action__relationship__coach=user) | Q(action__relationship__coachee=user))
    return render(request, "coaching/my_actions.html", {
        "mine": [a for a in actions if a.owner_id == user.pk], "theirs": [a for a in actions if a.owner_id != user.pk],
        "pending_reviews": pending_reviews.select_related("action"), "today": timezone.localdate(),
    })


# --- Feedback ---------------------------------------------------------------------------------

@login_required
def feedback_new(request, pk):
    relationship = _relationship(request, pk)
    side = relationship.party_of(request.user)
    if side is None:
        raise PermissionDenied
    form_class = forms.FeedbackForm if side == "coach" else forms.RatingForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        session = relationship.sessions.filter(pk=request.GET.get("session")).first() if request.GET.get(
            "session") else None
        try:
            if side == "coach":
                services.give_feedback(by=request.user, relationship=relationship, session=session,
                                       **form.cleaned_data)
            else:
                services.rate_support(by=request.user, relationship=relationship, session=session,
                                      **form.cleaned_data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect("coaching:relationship", pk=relationship.pk)
    return render(request, "coaching/feedback_form.html", {"form": form, "r": relationship, "side": side})


@login_required
def ratings(request):
    """How coachees rate the coach's support: only averages over at least three ratings."""
    if not request.user.is_coach:
        raise PermissionDenied
    rows = list(support_ratings_of(request.user).values(*RATING_FIELDS, "created_at"))
    return render(request, "coaching/ratings.html", {
        "overall": aggregate_ratings(rows, RATING_FIELDS), "by_quarter": ratings_by_quarter(rows, RATING_FIELDS),
        "count": len(rows),
    })


# --- Remote follow-up ----------------------------------------------------------------------------

@login_required
def follow_up(request, pk):
    """The coach records a phone call: actions reviewed, new due dates, a short note."""
    relationship = _relationship(request, pk)
    if relationship.party_of(request.user) != "coach":
        raise PermissionDenied
    actions = relationship.actions.filter(status=Action.Status.OPEN).select_related("owner")
    form = forms.FollowUpForm(request.POST or None, actions=actions)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.record_follow_up(by=request.user, relationship=relationship,
                                                note=form.cleaned_data["note"], action_updates=form.action_updates())
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Phone follow-up recorded."))
            return redirect("coaching:session", pk=session.pk)
    return render(request, "coaching/follow_up.html", {"form": form, "r": relationship,
                                                       "today": timezone.localdate()})

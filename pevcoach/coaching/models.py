"""The coaching process: relationship → sessions (GROW) → goals → actions → evidence, feedback, checklists.

Everything a phone can create has a UUID primary key chosen by the client, so a
record made offline keeps its identity when it reaches the server, and `version`
counts server-side changes so a stale offline edit can be recognised.
Practice records (training workshops) are flagged on the relationship; every
other record reaches that flag through its relationship.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Tracked(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def touch(self):
        """Count a change to a saved record; services call it before save()."""
        self.updated_at = timezone.now()
        self.version += 1


class Relationship(Tracked):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        CLOSED = "closed", _("Closed")

    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coaching_as_coach",
                              verbose_name=_("coach"))
    coachee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="coaching_as_coachee", verbose_name=_("coachee"))
    org_unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="relationships",
                                 verbose_name=_("health centre"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    aims = models.TextField(_("aims of the coaching"))
    rhythm = models.CharField(_("rhythm of sessions"), max_length=200)
    ways_of_working = models.TextField(_("how we work together"), blank=True)
    coach_accepted_at = models.DateTimeField(null=True, blank=True)
    coachee_accepted_at = models.DateTimeField(null=True, blank=True)
    is_practice = models.BooleanField(_("practice"), default=False)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("coaching relationship")
        verbose_name_plural = _("coaching relationships")
        indexes = [models.Index(fields=["status", "is_practice"])]

    def __str__(self):
        return f"{self.coach} → {self.coachee}"

    def party_of(self, user):
        """'coach', 'coachee' or None: the side a user stands on."""
        if user.pk == self.coach_id:
            return "coach"
        if user.pk == self.coachee_id:
            return "coachee"
        return None

    def other_party(self, user):
        return self.coachee if user.pk == self.coach_id else self.coach

    def has_accepted(self, user):
        side = self.party_of(user)
        return bool(side and getattr(self, f"{side}_accepted_at"))


class RelationshipEvent(models.Model):
    """The history of a relationship: who changed its state, when, and why."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Relationship.Status.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.relationship_id} {self.status} {self.at:%Y-%m-%d}"


class Stage(models.TextChoices):
    GOAL = "goal", _("Goal")
    REALITY = "reality", _("Reality")
    OPTIONS = "options", _("Options")
    WILL = "will", _("Will")


STAGE_ORDER = [Stage.GOAL, Stage.REALITY, Stage.OPTIONS, Stage.WILL]


class Question(models.Model):
    """A prompt of the GROW question bank, in French and English; admins edit the bank."""

    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    text_fr = models.CharField(_("question (French)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["stage", "position", "pk"]
        verbose_name = _("GROW question")
        verbose_name_plural = _("GROW questions")

    def __str__(self):
        return self.text_fr

    def text(self, language):
        return self.text_en if language == "en" else self.text_fr


class Session(Tracked):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person (visit)")
        PHONE = "phone", _("Phone")
        VIDEO = "video", _("Video")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held, waiting for confirmation")
        COMPLETED = "completed", _("Completed")
        MISSED = "missed", _("Missed")
        CANCELLED = "cancelled", _("Cancelled")

    STILL_OPEN = (Status.PLANNED, Status.HELD)  # still to be held or confirmed

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="sessions")
    scheduled_for = models.DateTimeField(_("date and time"))
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    place = models.CharField(_("place"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    goal_notes = models.TextField(_("Goal: notes"), blank=True)
    reality_notes = models.TextField(_("Reality: notes"), blank=True)
    options_notes = models.TextField(_("Options: notes"), blank=True)
    will_notes = models.TextField(_("Will: notes"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    is_follow_up = models.BooleanField(_("remote follow-up"), default=False)
    not_held_reason = models.TextField(_("why it did not take place"), blank=True)
    coach_confirmed_at = models.DateTimeField(null=True, blank=True)
    coachee_confirmed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-scheduled_for"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [
            models.Index(fields=["relationship", "scheduled_for"]), models.Index(fields=["status"]),
            # Sessions held in the last months of a whole area (dashboards), read from the index alone.
            models.Index(fields=["scheduled_for"], include=["status", "mode", "relationship", "id"],
                         name="coaching_session_when"),
            # The next sessions of a person's relationships (homes, reminders): a few thousand planned
            # sessions in the country, probed per relationship instead of intersected whole.
            models.Index(fields=["relationship", "scheduled_for"], condition=models.Q(status="planned"),
                         name="coaching_session_planned"),
        ]

    def __str__(self):
        return f"{self.relationship} · {self.scheduled_for:%Y-%m-%d}"

    def notes_for(self, stage):
        return getattr(self, f"{stage}_notes")

    @property
    def is_open(self):
        return self.status in (self.Status.PLANNED, self.Status.HELD)


class Goal(Tracked):
    class Kind(models.TextChoices):
        INDICATOR = "indicator", _("An immunization indicator")
        PRACTICE = "practice", _("A practice")

    class Status(models.TextChoices):
        ACTIVE = "active", _("In progress")
        ACHIEVED = "achieved", _("Achieved")
        NOT_ACHIEVED = "not_achieved", _("Not achieved")
        DROPPED = "dropped", _("Dropped")

    class Problem(models.TextChoices):
        RED_CATEGORY = "red", _("RED category (access or use)")
        ZERO_DOSE = "zero_dose", _("Zero-dose or under-immunised children")
        DROPOUT = "dropout", _("High dropout")
        CHECKLIST_GAP = "checklist", _("A gap found on the supervision checklist")
        DATA_QUALITY = "data_quality", _("Data quality")
        OTHER = "other", _("Other problem")

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="goals")
    session = models.ForeignKey(Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="goals")
    org_unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="goals",
                                 verbose_name=_("health centre"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.INDICATOR)
    statement = models.TextField(_("the goal in one sentence"))
    indicator = models.CharField(_("indicator"), max_length=30, blank=True)
    practice = models.CharField(_("practice"), max_length=300, blank=True)
    baseline_value = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2, null=True, blank=True)
    baseline_period = models.CharField(_("baseline period"), max_length=20, blank=True)
    target_value = models.DecimalField(_("target"), max_digits=12, decimal_places=2, null=True, blank=True)
    source = models.CharField(_("where the number comes from"), max_length=100, blank=True)
    problem = models.CharField(_("problem it answers"), max_length=20, choices=Problem.choices, blank=True)
    problem_note = models.CharField(_("the problem in a few words"), max_length=300, blank=True)
    start_date = models.DateField(_("start"), default=timezone.localdate)
    deadline = models.DateField(_("deadline"))
    review_dates = models.JSONField(_("review dates"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.ACTIVE)
    latest_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True, editable=False)
    latest_period = models.CharField(max_length=20, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["deadline"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self):
        return self.statement

    @property
    def progress(self):
        """Share of the way from baseline to target, 0–100, or None when unknown.

        An indicator goal follows the imported figures; a practice goal follows its actions
        (the share done among those not dropped) until a measured value is recorded."""
        if self.kind == self.Kind.PRACTICE and self.latest_value is None:
            actions = [a for a in self.actions.all() if a.status != Action.Status.DROPPED]
            return round(100 * sum(a.status == Action.Status.DONE for a in actions) / len(actions)) if actions else None
        if None in (self.baseline_value, self.target_value, self.latest_value):
            return None
        gap = self.target_value - self.baseline_value
        if gap == 0:
            return 100
        return max(0, min(100, round(100 * (self.latest_value - self.baseline_value) / gap)))


class Action(Tracked):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    STILL_OPEN = (Status.PROPOSED, Status.OPEN)  # still to be agreed or done

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="actions")
    session = models.ForeignKey(Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions")
    goal = models.ForeignKey(Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions")
    checklist_answer = models.ForeignKey("coaching.ChecklistAnswer", on_delete=models.SET_NULL, null=True,
                                         blank=True, related_name="actions")
    description = models.TextField(_("what will be done"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coaching_actions",
                              verbose_name=_("who does it"))
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    completion_note = models.TextField(_("note on completion"), blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_date", "created_at"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        indexes = [
            models.Index(fields=["status", "due_date"]), models.Index(fields=["owner", "status"]),
            # Actions due in the last year of a whole area (dashboards), read from the index alone.
            models.Index(fields=["due_date"], include=["status", "completed_at", "relationship", "id"],
                         name="coaching_action_due"),
            # A person's open actions in their relationships (my actions, home, sync): without it each
            # relationship's actions were intersected with every open action of the country.
            models.Index(fields=["relationship", "status"], name="coaching_action_pair_status"),
        ]

    def __str__(self):
        return self.description

    @property
    def base_for_offline(self):
        """The fields an offline edit may change, as they are now (see sync: conflicts)."""
        return {"status": self.status, "completion_note": self.completion_note}

    def is_overdue(self, today=None):
        return self.overdue(self.status, self.due_date, today or timezone.localdate())

    @staticmethod
    def overdue(status, due_date, today):
        """An open action past its due date (exports call it with plain values, not models)."""
        return status == Action.Status.OPEN and due_date < today


class Evidence(Tracked):
    class Review(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned with a comment")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="evidence")
    photo = models.ImageField(_("photo"), upload_to="evidence/%Y/%m/", blank=True)
    note = models.TextField(_("note"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    review = models.CharField(_("review"), max_length=10, choices=Review.choices, default=Review.PENDING)
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        # Evidence waiting for review is a handful among tens of thousands: found from this small index
        # rather than by walking every action of the reviewer's relationships.
        indexes = [models.Index(fields=["action"], condition=models.Q(review="pending"),
                                name="coaching_evidence_pending")]

    def __str__(self):
        return self.note[:50] or self.photo.name


class Feedback(Tracked):
    """Both directions of feedback. The coachee's ratings reach the coach only in aggregate."""

    class Direction(models.TextChoices):
        TO_COACHEE = "to_coachee", _("Coach to coachee")
        TO_COACH = "to_coach", _("Coachee to coach")

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="feedback")
    session = models.ForeignKey(Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Coach → coachee: constructive feedback (start with what works; fact → effect → request).
    what_works = models.TextField(_("what works"), blank=True)
    to_improve = models.TextField(_("what to improve"), blank=True)
    request = models.TextField(_("a request for next time"), blank=True)
    # Coachee → coach: ratings 1–5.
    session_useful = models.PositiveSmallIntegerField(_("the session was useful"), null=True, blank=True)
    listened_to = models.PositiveSmallIntegerField(_("I was listened to"), null=True, blank=True)
    support_received = models.PositiveSmallIntegerField(_("the support I receive"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self):
        return f"{self.get_direction_display()} {self.created_at:%Y-%m-%d}"


RATING_FIELDS = ("session_useful", "listened_to", "support_received")


class ChecklistTemplate(models.Model):
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")

    def __str__(self):
        return self.name


class ChecklistSection(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="sections")
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title_fr

    def title(self, language):
        return self.title_en if language == "en" else self.title_fr


class ChecklistItem(models.Model):
    section = models.ForeignKey(ChecklistSection, on_delete=models.CASCADE, related_name="items")
    text_fr = models.CharField(_("item (French)"), max_length=300)
    text_en = models.CharField(_("item (English)"), max_length=300)
    action_fr = models.CharField(_("suggested action (French)"), max_length=300, blank=True)
    action_en = models.CharField(_("suggested action (English)"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text_fr

    def text(self, language):
        return self.text_en if language == "en" else self.text_fr

    def suggested_action(self, language):
        return (self.action_en if language == "en" else self.action_fr) or self.text(language)


class Score(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")
    NOT_APPLICABLE = "na", _("Not applicable")


class Checklist(Tracked):
    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="checklists")
    session = models.ForeignKey(Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="checklists")
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT, related_name="+")
    filled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score_percent = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("supervision checklist")
        verbose_name_plural = _("supervision checklists")

    def __str__(self):
        return f"{self.template} {self.created_at:%Y-%m-%d}"


class ChecklistAnswer(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    score = models.CharField(max_length=6, choices=Score.choices)
    comment = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["item__section__position", "item__position"]
        constraints = [models.UniqueConstraint(fields=["checklist", "item"], name="one_answer_per_item")]

    def __str__(self):
        return f"{self.item} : {self.score}"

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pevcoach.coaching.models import Goal, Score, Session

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RelationshipForm(forms.Form):
    partner = forms.ModelChoiceField(queryset=None, label=_("Coachee"))
    aims = forms.CharField(label=_("Aims of the coaching"), widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("What the coachee wants to improve, in their words."))
    rhythm = forms.CharField(label=_("Rhythm of sessions"), max_length=200,
                             initial=_("One session a month, a phone call in between"))
    ways_of_working = forms.CharField(label=_("How we work together"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 3}),
                                      initial=_("We listen to each other, we keep what is said confidential, we both "
                                                "carry out the actions we agree on."))

    def __init__(self, *args, partners, partner_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        if partner_label:
            self.fields["partner"].label = partner_label


class PracticeForm(forms.Form):
    coach = forms.ModelChoiceField(queryset=None, label=_("Trainee playing the coach"))
    coachee = forms.ModelChoiceField(queryset=None, label=_("Trainee playing the coachee"))
    facility = forms.ModelChoiceField(queryset=None, label=_("Demo health centre"))

    def __init__(self, *args, people, facilities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = people
        self.fields["coachee"].queryset = people
        self.fields["facility"].queryset = facilities


class SessionForm(forms.ModelForm):
    scheduled_for = forms.DateTimeField(label=_("Date and time"), input_formats=["%Y-%m-%dT%H:%M"],
                                        widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                   format="%Y-%m-%dT%H:%M"))

    class Meta:
        model = Session
        fields = ["scheduled_for", "mode", "place"]


class NotesForm(forms.Form):
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 6}))


class FinishForm(forms.Form):
    summary = forms.CharField(label=_("Summary of the session"), widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("What you agreed, in a few lines. The other party confirms it."))


class NotHeldForm(forms.Form):
    status = forms.ChoiceField(label=_("What happened"), choices=[(Session.Status.MISSED, _("Missed")),
                                                                   (Session.Status.CANCELLED, _("Cancelled"))])
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}))


class GoalForm(forms.ModelForm):
    indicator = forms.ChoiceField(label=_("Indicator"), required=False)
    review_dates = forms.CharField(label=_("Review dates"), required=False,
                                   help_text=_("One or more dates, separated by commas (YYYY-MM-DD)."))

    class Meta:
        model = Goal
        fields = ["kind", "statement", "indicator", "practice", "baseline_value", "baseline_period",
                  "target_value", "source", "problem", "problem_note", "deadline", "review_dates"]
        widgets = {"deadline": DATE, "statement": forms.Textarea(attrs={"rows": 3}),
                   "kind": forms.RadioSelect}

    def __init__(self, *args, indicator_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [("", "—")] + list(indicator_choices)
        self.fields["problem"].required = False
        if self.instance.pk:
            self.initial["review_dates"] = ", ".join(str(d) for d in self.instance.review_dates)

    def clean_review_dates(self):
        raw = self.cleaned_data.get("review_dates") or ""
        try:
            dates = {datetime.date.fromisoformat(part.strip()) for part in raw.split(",") if part.strip()}
        except ValueError:
            raise forms.ValidationError(_("Write dates as YYYY-MM-DD, separated by commas.")) from None
        return [d.isoformat() for d in sorted(dates)]  # kept in JSON as ISO strings


class ActionForm(forms.Form):
    description = forms.CharField(label=_("What will be done"), widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.ChoiceField(label=_("Who does it"))
    due_date = forms.DateField(label=_("Due date"), widget=DATE)
    goal = forms.ModelChoiceField(queryset=None, label=_("For the goal"), required=False)

    def __init__(self, *args, relationship, **kwargs):
        super().__init__(*args, **kwargs)
        self.relationship = relationship
        self.fields["owner"].choices = [
            (relationship.coachee_id, _("%(name)s (coachee)") % {"name": relationship.coachee}),
            (relationship.coach_id, _("%(name)s (coach)") % {"name": relationship.coach}),
        ]
        self.fields["goal"].queryset = relationship.goals.filter(status=Goal.Status.ACTIVE)
        self.fields["due_date"].initial = timezone.localdate() + datetime.timedelta(days=14)

    def clean_owner(self):
        value = int(self.cleaned_data["owner"])
        return self.relationship.coach if value == self.relationship.coach_id else self.relationship.coachee


class CompleteForm(forms.Form):
    completion_note = forms.CharField(label=_("What was done"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))


class EvidenceForm(forms.Form):
    photo = forms.FileField(label=_("Photo"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment",
                                                                       "data-shrink": ""}))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("return", _("Return"))])
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FeedbackForm(forms.Form):
    what_works = forms.CharField(label=_("What works"), widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text=_("Start with a fact you saw that works."))
    to_improve = forms.CharField(label=_("What to improve"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text=_("A fact, its effect, without judging the person."))
    request = forms.CharField(label=_("A request for next time"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


MARKS = [(n, str(n)) for n in range(1, 6)]


class RatingForm(forms.Form):
    session_useful = forms.TypedChoiceField(label=_("The session was useful"), choices=MARKS, coerce=int,
                                            widget=forms.RadioSelect)
    listened_to = forms.TypedChoiceField(label=_("I was listened to"), choices=MARKS, coerce=int,
                                         widget=forms.RadioSelect)
    support_received = forms.TypedChoiceField(label=_("The support I receive from my coach"), choices=MARKS,
                                              coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ChecklistForm(forms.Form):
    """One radio group per item of the template, with an optional comment."""

    def __init__(self, *args, template, language, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = []
        for section in template.sections.prefetch_related("items"):
            names = []
            for item in section.items.all():
                self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                    label=item.text(language), choices=Score.choices, widget=forms.RadioSelect)
                self.fields[f"comment_{item.pk}"] = forms.CharField(label=_("Comment"), required=False, max_length=300)
                names.append((self[f"item_{item.pk}"], self[f"comment_{item.pk}"]))
            self.sections.append((section.title(language), names))

    def answers(self):
        return {int(name[5:]): (value, self.cleaned_data.get(f"comment_{name[5:]}", ""))
                for name, value in self.cleaned_data.items() if name.startswith("item_")}


class ProposedActionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Keep")), ("drop", _("Drop"))])
    description = forms.CharField(label=_("What will be done"), widget=forms.Textarea(attrs={"rows": 2}))
    due_date = forms.DateField(label=_("Due date"), widget=DATE)


class FollowUpForm(forms.Form):
    """A phone follow-up: a short note, and for each open action: done, or kept with a (new) due date."""

    note = forms.CharField(label=_("What you talked about"), widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("A few lines: progress, difficulties, what was agreed."))

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.actions = list(actions)
        self.rows = []
        for action in self.actions:
            self.fields[f"decision_{action.pk}"] = forms.ChoiceField(
                label=action.description, choices=[("keep", _("Keep")), ("done", _("Done"))], initial="keep",
                widget=forms.RadioSelect)
            self.fields[f"due_{action.pk}"] = forms.DateField(label=_("Due date"), initial=action.due_date,
                                                              widget=DATE, required=False)
            self.rows.append((action, self[f"decision_{action.pk}"], self[f"due_{action.pk}"]))

    def action_updates(self):
        updates = {}
        for action in self.actions:
            if self.cleaned_data[f"decision_{action.pk}"] == "done":
                updates[action.pk] = {"done": True}
            elif self.cleaned_data.get(f"due_{action.pk}"):
                updates[action.pk] = {"due_date": self.cleaned_data[f"due_{action.pk}"]}
        return updates

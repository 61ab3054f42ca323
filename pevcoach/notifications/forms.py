from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from pevcoach.notifications.models import Channel, Kind

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class PreferencesForm(forms.Form):
    """One e-mail and one SMS box per kind of message, and the quiet hours."""

    quiet_start = forms.TimeField(label=_("Quiet from"), required=False, widget=TIME,
                                  help_text=_("No SMS or e-mail in the quiet hours: they wait until the end."))
    quiet_end = forms.TimeField(label=_("Quiet until"), required=False, widget=TIME)

    def __init__(self, *args, preferences, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for kind in Kind:
            for channel in Channel:
                name = f"{channel}_{kind}"
                self.fields[name] = forms.BooleanField(
                    label=channel.label, required=False, initial=preferences.wants(kind, channel),
                    widget=forms.CheckboxInput(attrs={"aria-label": format_lazy("{}: {}", kind.label, channel.label)}))
            self.rows.append((kind.label, self[f"email_{kind}"], self[f"sms_{kind}"]))
        self.fields["quiet_start"].initial = preferences.quiet_start
        self.fields["quiet_end"].initial = preferences.quiet_end

    def channels(self):
        return {kind.value: {channel.value: self.cleaned_data[f"{channel}_{kind}"] for channel in Channel}
                for kind in Kind}

from django import forms
from django.utils.translation import gettext_lazy as _

from pevcoach.orgunits.models import OrgUnit


class OrgUnitForm(forms.ModelForm):
    class Meta:
        model = OrgUnit
        fields = ["name", "code", "dhis2_uid", "latitude", "longitude"]
        labels = {"dhis2_uid": _("DHIS2 UID")}

    def clean_dhis2_uid(self):
        value = (self.cleaned_data.get("dhis2_uid") or "").strip()
        # DHIS2 UIDs: 11 alphanumeric characters, a letter first.
        if value and not (len(value) == 11 and value.isalnum() and value[0].isalpha() and value.isascii()):
            raise forms.ValidationError(_("A DHIS2 UID has 11 letters or digits and starts with a letter."))
        return value or None

    def clean_latitude(self):
        value = self.cleaned_data.get("latitude")
        if value is not None and not -90 <= value <= 90:
            raise forms.ValidationError(_("Latitude lies between -90 and 90."))
        return value

    def clean_longitude(self):
        value = self.cleaned_data.get("longitude")
        if value is not None and not -180 <= value <= 180:
            raise forms.ValidationError(_("Longitude lies between -180 and 180."))
        return value

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_MB = 200


class ImportForm(forms.Form):
    DATA_VALUES, ORG_UNITS = "data_values", "org_units"

    kind = forms.ChoiceField(label=_("What the file holds"), choices=[
        (DATA_VALUES, _("Data values: DHIS2 dataValueSets JSON or DHIS2 CSV")),
        (ORG_UNITS, _("Org units: DHIS2 organisationUnits JSON")),
    ])
    file = forms.FileField(label=_("File"))
    mapping = forms.FileField(
        label=_("Mapping of the server's data elements (optional)"), required=False,
        help_text=_("CSV with the columns dhis2_data_element, dhis2_category_option_combo, code."))

    def __init__(self, *args, can_import_units=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_import_units:  # the tree is national: only national administrators rebuild it
            self.fields["kind"].choices = self.fields["kind"].choices[:1]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than %(size)d MB: use the dhis2_import command.")
                                        % {"size": MAX_UPLOAD_MB})
        return upload

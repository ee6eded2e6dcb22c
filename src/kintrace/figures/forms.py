from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import Filters
from .tables import wave_label


class FilterForm(forms.Form):
    """The GET filters of the numbers page; choices come from the registry."""

    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    colony = forms.TypedChoiceField(label=_("Colony"), required=False, coerce=int, empty_value=None)
    wave = forms.ChoiceField(label=_("Recruitment wave"), required=False)

    def __init__(self, data, *, regions, colonies, waves, english: bool):
        super().__init__(data)
        everything = [("", _("all"))]
        # self.fields holds the declared fields above, all of them ChoiceFields.
        region = cast(forms.ChoiceField, self.fields["region"])
        colony = cast(forms.ChoiceField, self.fields["colony"])
        wave = cast(forms.ChoiceField, self.fields["wave"])
        region.choices = everything + [
            (r.code, r.name_en if english else r.name_ru) for r in regions
        ]
        colony.choices = everything + [(str(pk), label) for pk, label in colonies]
        wave.choices = everything + [(w, wave_label(w)) for w in waves]

    def clean(self):
        data = super().clean()
        if data is None:  # Form.clean returns cleaned_data; a None keeps it as it is
            return None
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The start of the range is after its end."))
        return data

    def filters(self) -> Filters:
        """The filters the valid form asks for (none when the form is not valid)."""
        if not self.is_valid():
            return Filters()
        d = self.cleaned_data
        return Filters(
            start=d.get("start"),
            end=d.get("end"),
            region=d.get("region") or "",
            colony=d.get("colony"),
            wave=d.get("wave") or "",
        )

from django import forms
from django.utils.translation import gettext_lazy as _

from kintrace.names.dates import DateError, parse_date_or_none
from kintrace.web.date_errors import date_reason
from kintrace.web.fields import TextField

from .limits import quote
from .mapping import FIELDS
from .models import ListKind

RELIABILITY = [(c, c) for c in "ABCDEF"]
CREDIBILITY = [(i, str(i)) for i in range(1, 7)]


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or XLSX)"), required=False)
    pasted = TextField(
        label=_("…or paste the rows (copied from a spreadsheet)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    kind = forms.ChoiceField(label=_("Kind of list"), choices=ListKind.choices)
    title = TextField(
        label=_("Title"),
        max_length=500,
        help_text=_("e.g. “Admissions, military hospital Rostov, May 2023”"),
    )
    publisher = TextField(label=_("Published by"), max_length=300, required=False)
    url = forms.URLField(label=_("URL"), max_length=1000, required=False, assume_scheme="https")
    date = TextField(
        label=_("Date of the list"),
        max_length=40,
        required=False,
        help_text=_("as precise as known: 2023, 05.2023, 14.05.2023"),
    )
    reliability = forms.ChoiceField(
        label=_("Reliability of the source (A–F)"), choices=RELIABILITY, initial="F"
    )
    credibility = forms.TypedChoiceField(
        label=_("Credibility of the list (1–6)"), choices=CREDIBILITY, coerce=int, initial=6
    )

    def clean_date(self):
        text = self.cleaned_data["date"].strip()
        try:
            return parse_date_or_none(text) if text else None
        except DateError as e:
            raise forms.ValidationError(
                _("“%(text)s” is not a date: %(why)s.") % {"text": text, "why": date_reason(e)}
            ) from None

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if not data.get("file") and not (data.get("pasted") or "").strip():
            raise forms.ValidationError(_("Choose a file or paste the rows."))
        return data


class MappingForm(forms.Form):
    """One select per field; the choices are the file's columns."""

    def __init__(self, *args, header: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in this list —"))] + [
            (str(i), f"{i + 1}: {quote(h, 60)}") for i, h in enumerate(header)
        ]
        for name, label in FIELDS.items():
            self.fields[name] = forms.ChoiceField(label=label, choices=choices, required=False)

    def mapping(self) -> dict[str, int]:
        return {k: int(v) for k, v in self.cleaned_data.items() if v != ""}


class HeaderRowForm(forms.Form):
    """Which line of the file is the header (0: none, the first line is data)."""

    header_row = forms.IntegerField(
        label=_("Header row"),
        min_value=0,
        max_value=10_000_000,
        help_text=_(
            "The line number of the column titles, as in a spreadsheet; 0 if the list "
            "has no header and its first line is data."
        ),
    )

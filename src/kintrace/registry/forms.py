"""Forms: parse and validate what staff type; the services do the writing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kintrace.names.dates import DateError, parse_date, parse_date_range
from kintrace.names.parse.placeholders import is_placeholder

from .models import (
    Credibility,
    EventRole,
    EventType,
    Facility,
    FacilityType,
    Regime,
    Region,
    Reliability,
    Sex,
    Source,
    SourceKind,
    date_display,
)

DATE_HELP = _("As you know it: 1987, 03.1987, 14.03.1987, 14 марта 1987 or около 1987.")


# DateError codes for dates that are readable but cannot exist, and how to say so.
IMPOSSIBLE = {
    "day": _("that month has no such day"),
    "month": _("there is no such month"),
    "year": _("the year is out of range"),
    "year_range": _("the year is out of range"),
}


class PartialDateField(forms.CharField):
    """A date typed as people type it; cleans to a kintrace.names PartialDate or None.

    With `periods=True` a period written in words ("весна 2023", "2022-2023", "в начале
    2023") cleans to a (start, end) pair of PartialDates instead.
    """

    default_error_messages = {
        "invalid": _("“%(value)s” is not a date we can read. Write it like 1987, 03.1987, "
                     "14.03.1987 or 14 марта 1987."),
        "impossible": _("“%(value)s” cannot be a real date: %(problem)s."),
        "range": _("“%(value)s” is a period of several years: write one year (with “около” "
                   "if you are not sure), or the start and the end of the period."),
    }

    def __init__(self, *, periods: bool = False, **kwargs):
        self.periods = periods
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 60)
        kwargs.setdefault("help_text", DATE_HELP)
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        try:
            if self.periods:
                start, end = parse_date_range(text, approximate=True)
                return start if start == end else (start, end)
            # "около 1985", "1985?", "весна 1985" are kept as what they are (approximate).
            return parse_date(text, approximate=True)
        except DateError as exc:
            if exc.code == "range":
                raise forms.ValidationError(
                    self.error_messages["range"], code="range", params={"value": text}
                ) from None
            problem = IMPOSSIBLE.get(exc.code)
            if problem is None:
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid", params={"value": text}
                ) from None
            raise forms.ValidationError(
                self.error_messages["impossible"], code="impossible",
                params={"value": text, "problem": problem},
            ) from None


def initial_date(obj, prefix: str) -> str:
    return date_display(getattr(obj, f"{prefix}_year"), getattr(obj, f"{prefix}_month"),
                        getattr(obj, f"{prefix}_day"), getattr(obj, f"{prefix}_approximate"))


def _facility_field(**kwargs) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Facility.objects.select_related("region"), required=False,
        empty_label=_("— not known —"), **kwargs,
    )


def _region_field(**kwargs) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Region.objects.order_by("name_ru"), required=False,
        empty_label=_("— not known —"), **kwargs,
    )


def _source_field(**kwargs) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Source.objects.order_by("-created_at", "-id"), required=False,
        empty_label=_("— no source —"), **kwargs,
    )


class PersonEditForm(forms.Form):
    birth = PartialDateField(label=_("Date of birth"))
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, required=False)
    call_sign = forms.CharField(label=_("Call sign"), max_length=100, required=False)
    token_number = forms.CharField(label=_("Token number"), max_length=100, required=False)
    last_facility = _facility_field(label=_("Last known facility"))
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 4}),
                            required=False)


def _not_a_placeholder(text: str) -> str:
    if is_placeholder(text):
        raise forms.ValidationError(
            _("“%(value)s” stands in for a name withheld (as courts write ФИО1); write the "
              "man's name, or leave him out until it is known."),
            code="placeholder", params={"value": text})
    return text


class PersonCreateForm(PersonEditForm):
    name = forms.CharField(
        label=_("Name as written"), max_length=300,
        help_text=_("Surname, given name and patronymic as the source writes them."),
        error_messages={"required": _("Write at least the surname.")},
    )
    name_source = _source_field(label=_("Where this spelling comes from"))
    field_order = ["name", "name_source", "birth", "sex", "call_sign", "token_number",
                   "last_facility", "notes"]

    def clean_name(self):
        return _not_a_placeholder(self.cleaned_data["name"])


class NameForm(forms.Form):
    text = forms.CharField(
        label=_("Another spelling"), max_length=300,
        error_messages={"required": _("Write the name as the source spells it.")},
    )
    source = _source_field(label=_("Source"))
    is_primary = forms.BooleanField(label=_("Make it the main name"), required=False)

    def clean_text(self):
        return _not_a_placeholder(self.cleaned_data["text"])


class EventForm(forms.Form):
    type = forms.ChoiceField(label=_("What happened"), choices=EventType.choices)
    start = PartialDateField(label=_("When (or from)"), periods=True)
    end = PartialDateField(label=_("Until"), help_text=_("Only for a period, e.g. training."))
    facility = _facility_field(label=_("Facility"))
    region = _region_field(label=_("Region"))
    place_text = forms.CharField(label=_("Place"), max_length=300, required=False)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if isinstance(start, tuple):  # a period in one field: "весна 2023", "2022–2023"
            if end is not None:
                self.add_error("start", _("This is already a period; leave “Until” empty."))
                return data
            start, end = data["start"], data["end"] = start
        if end is not None and start is None and not self.has_error("start"):
            self.add_error("start", _("A period needs its start date."))
        elif start is not None and end is not None and end.last_day() < start.first_day():
            self.add_error("end", _("The end of the period is before its start."))
        return data


class EventCreateForm(EventForm):
    role = forms.ChoiceField(label=_("His role"), choices=EventRole.choices,
                             initial=EventRole.SUBJECT)
    source = _source_field(label=_("Source"))
    quote = forms.CharField(label=_("Quote from the source"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("quote") and not data.get("source"):
            self.add_error("source", _("Choose the source the quote comes from."))
        return data


class CitationForm(forms.Form):
    source = forms.ModelChoiceField(
        label=_("Source"), queryset=Source.objects.order_by("-created_at", "-id"),
        error_messages={"required": _("Choose a source.")},
    )
    quote = forms.CharField(label=_("Quote"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))


class SourceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SourceKind.choices)
    title = forms.CharField(label=_("Title"), max_length=500,
                            error_messages={"required": _("Give the source a title.")})
    publisher = forms.CharField(label=_("Publisher or author"), max_length=300,
                                required=False)
    url = forms.URLField(label=_("Web address"), max_length=1000, required=False,
                         error_messages={"invalid": _("This is not a web address "
                                                      "(it should start with https://).")})
    date = PartialDateField(label=_("Date"))
    reliability = forms.ChoiceField(
        label=_("Reliability of the source"), choices=Reliability.choices, initial="F",
        help_text=_("Admiralty scale: how far this source has been right before."),
    )
    credibility = forms.TypedChoiceField(
        label=_("Credibility of this information"), choices=Credibility.choices, coerce=int,
        initial=6, help_text=_("Admiralty scale: is the information confirmed elsewhere?"),
    )


class FacilityForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=FacilityType.choices)
    number = forms.RegexField(
        label=_("Number"), max_length=16, regex=r"^\s*[0-9]+[0-9А-Яа-яA-Za-z/-]*\s*$",
        error_messages={"invalid": _("Write the facility number, e.g. 2 or 12."),
                        "required": _("Write the facility number, e.g. 2 or 12.")},
    )
    regime = forms.ChoiceField(label=_("Regime"), choices=Regime.choices, required=False)
    region = _region_field(label=_("Region"))
    official_name = forms.CharField(label=_("Official name"), max_length=300, required=False)
    other_names = forms.CharField(
        label=_("Other names"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, e.g. how prisoners or relatives call it."),
    )

    def clean_other_names(self):
        return [line.strip() for line in self.cleaned_data["other_names"].splitlines()
                if line.strip()]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), max_length=200, required=False)

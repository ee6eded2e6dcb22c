"""Forms: parse and validate what staff type; the services do the writing."""

import re
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kintrace.names.dates import DateError, parse_date, parse_date_range
from kintrace.names.parse.placeholders import is_placeholder
from kintrace.web.date_errors import DATE_REASONS
from kintrace.web.fields import TextField
from kintrace.web.params import id_or_none

from .models import (
    ConflictState,
    Credibility,
    EventRole,
    EventType,
    Facility,
    FacilityType,
    PersonStatus,
    Regime,
    Region,
    Reliability,
    Sex,
    Source,
    SourceKind,
    date_display,
)

DATE_HELP = _("As you know it: 1987, 03.1987, 14.03.1987, 14 March 1987 or about 1987.")


# DateError codes for dates that are readable but cannot exist, and how to say so.
IMPOSSIBLE = {code: DATE_REASONS[code] for code in ("day", "month", "year", "year_range")}


class PartialDateField(TextField):
    """A date typed as people type it; cleans to a kintrace.names PartialDate or None.

    With `periods=True` a period written in words ("весна 2023", "2022-2023", "в начале
    2023") cleans to a (start, end) pair of PartialDates instead.
    """

    default_error_messages = {
        "invalid": _(
            "“%(value)s” is not a date we can read. Write it like 1987, 03.1987, "
            "14.03.1987 or 14 March 1987."
        ),
        "impossible": _("“%(value)s” cannot be a real date: %(problem)s."),
        "range": _(
            "“%(value)s” is a period of several years: write one year (with “about” "
            "if you are not sure), or the start and the end of the period."
        ),
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
                self.error_messages["impossible"],
                code="impossible",
                params={"value": text, "problem": problem},
            ) from None


def initial_date(obj, prefix: str) -> str:
    return date_display(
        getattr(obj, f"{prefix}_year"),
        getattr(obj, f"{prefix}_month"),
        getattr(obj, f"{prefix}_day"),
        getattr(obj, f"{prefix}_approximate"),
    )


def _facility_field(**kwargs) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Facility.objects.select_related("region"),
        required=False,
        empty_label=_("— not known —"),
        **kwargs,
    )


def _region_field(**kwargs) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Region.objects.order_by("name_ru"),
        required=False,
        empty_label=_("— not known —"),
        **kwargs,
    )


def source_label(source: Source) -> str:
    """How a source reads in the picker; the trailing "#id" is what the form reads back."""
    return f"{source.title} [{source.grade}] #{source.pk}"


_SOURCE_ID = re.compile(r"(?:^|#)([0-9]{1,12})\s*$")
PICKER_OPTIONS = 2000  # newest sources offered in the picker's list; any other by "#id"


class SourcePicker(forms.TextInput):
    """A text box with a <datalist> of the sources: the browser filters it as one types (no
    script), and the typed or chosen "title [grade] #id" is read back by SourceField."""

    template_name = "registry/widgets/source_picker.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        list_id = f"{context['widget']['attrs'].get('id') or name}-sources"
        context["widget"]["attrs"]["list"] = list_id
        context["widget"]["attrs"].setdefault("autocomplete", "off")
        context["list_id"] = list_id
        context["options"] = [
            source_label(s) for s in Source.objects.order_by("-created_at", "-id")[:PICKER_OPTIONS]
        ]
        return context

    def format_value(self, value):
        if isinstance(value, Source):
            return source_label(value)
        pk = value if isinstance(value, int) else id_or_none(value)
        if pk is not None:
            source = Source.objects.filter(pk=pk).first()
            return source_label(source) if source else ""
        return super().format_value(value)


class SourceField(forms.Field):
    """A source chosen by typing part of its title (the picker's list) or its number."""

    widget = SourcePicker
    default_error_messages = {
        "invalid": _("No such source: choose one from the list as you type its title."),
        "required": _("Choose a source."),
    }

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            return None
        found = _SOURCE_ID.search(text)
        source_id = id_or_none(found[1]) if found else None
        if source_id is not None:
            source = Source.objects.filter(pk=source_id).first()
        else:  # a title typed out in full and not picked: take it if it names one source
            matches = list(Source.objects.filter(title=text)[:2])
            source = matches[0] if len(matches) == 1 else None
        if source is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return source


def _source_field(**kwargs) -> SourceField:
    kwargs.setdefault("help_text", _("Type part of its title and pick it from the list."))
    return SourceField(required=kwargs.pop("required", False), **kwargs)


class PersonEditForm(forms.Form):
    birth = PartialDateField(label=_("Date of birth"))
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, required=False)
    call_sign = TextField(label=_("Call sign"), max_length=100, required=False)
    token_number = TextField(label=_("Token number"), max_length=100, required=False)
    last_facility = _facility_field(label=_("Last known facility"))
    notes = TextField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


def _not_a_placeholder(text: str) -> str:
    if is_placeholder(text):
        raise forms.ValidationError(
            _(
                "“%(value)s” stands in for a name withheld (as courts write ФИО1); write the "
                "man's name, or leave him out until it is known."
            ),
            code="placeholder",
            params={"value": text},
        )
    return text


class PersonCreateForm(PersonEditForm):
    name = TextField(
        label=_("Name as written"),
        max_length=300,
        help_text=_("Surname, given name and patronymic as the source writes them."),
        error_messages={"required": _("Write at least the surname.")},
    )
    name_source = _source_field(label=_("Where this spelling comes from"))
    field_order = [
        "name",
        "name_source",
        "birth",
        "sex",
        "call_sign",
        "token_number",
        "last_facility",
        "notes",
    ]

    def clean_name(self):
        return _not_a_placeholder(self.cleaned_data["name"])


class NameForm(forms.Form):
    text = TextField(
        label=_("Another spelling"),
        max_length=300,
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
    place_text = TextField(label=_("Place"), max_length=300, required=False)
    description = TextField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
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
    role = forms.ChoiceField(
        label=_("His role"), choices=EventRole.choices, initial=EventRole.SUBJECT
    )
    source = _source_field(label=_("Source"))
    quote = TextField(
        label=_("Quote from the source"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("quote") and not data.get("source"):
            self.add_error("source", _("Choose the source the quote comes from."))
        return data


class CitationForm(forms.Form):
    source = _source_field(label=_("Source"), required=True)
    quote = TextField(label=_("Quote"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SourceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SourceKind.choices)
    title = TextField(
        label=_("Title"), max_length=500, error_messages={"required": _("Give the source a title.")}
    )
    publisher = TextField(label=_("Publisher or author"), max_length=300, required=False)
    url = forms.URLField(
        label=_("Web address"),
        max_length=1000,
        required=False,
        error_messages={"invalid": _("This is not a web address (it should start with https://).")},
    )
    date = PartialDateField(label=_("Date"))
    reliability = forms.ChoiceField(
        label=_("Reliability of the source"),
        choices=Reliability.choices,
        initial="F",
        help_text=_("Admiralty scale: how far this source has been right before."),
    )
    credibility = forms.TypedChoiceField(
        label=_("Credibility of this information"),
        choices=Credibility.choices,
        coerce=int,
        initial=6,
        help_text=_("Admiralty scale: is the information confirmed elsewhere?"),
    )


class FacilityForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=FacilityType.choices)
    number = forms.RegexField(
        label=_("Number"),
        max_length=16,
        regex=r"^\s*[0-9]+[0-9А-Яа-яA-Za-z/-]*\s*$",
        error_messages={
            "invalid": _("Write the facility number, e.g. 2 or 12."),
            "required": _("Write the facility number, e.g. 2 or 12."),
        },
    )
    regime = forms.ChoiceField(label=_("Regime"), choices=Regime.choices, required=False)
    region = _region_field(label=_("Region"))
    official_name = TextField(label=_("Official name"), max_length=300, required=False)
    other_names = TextField(
        label=_("Other names"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, e.g. how prisoners or relatives call it."),
    )

    def clean_other_names(self):
        return [
            line.strip() for line in self.cleaned_data["other_names"].splitlines() if line.strip()
        ]


class EventDeleteForm(forms.Form):
    reason = TextField(
        label=_("Why is it deleted?"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Kept with the deletion in the person’s history, e.g. “entered twice” or "
            "“about another man”."
        ),
    )


class FacilityChoiceForm(forms.Form):
    """Which of the registry's facilities an ambiguous text meant; offers only those."""

    facility = forms.ModelChoiceField(
        label=_("Which facility is it?"),
        queryset=Facility.objects.none(),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a facility.")},
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        ids = [f.pk for f in choices]
        cast(forms.ModelChoiceField, self.fields["facility"]).queryset = (
            Facility.objects.select_related("region").filter(pk__in=ids).order_by("region__name_ru")
        )
        self.choices = list(choices)


class ConflictForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (
                ConflictState.DEATH_STANDS,
                _("The death stands: the later report is wrong or about another man"),
            ),
            (ConflictState.ALIVE_AFTER, _("He was alive after it: the death report is wrong")),
        ],
        error_messages={"required": _("Choose which of the two reports stands.")},
    )
    note = TextField(
        label=_("Why"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SearchForm(forms.Form):
    # No length limit: a pasted message is read up to registry.search.MAX_QUERY_CHARS.
    q = TextField(label=_("Name"), required=False)


class PersonFilterForm(forms.Form):
    """The person list's filters and order, read from GET parameters (works without script)."""

    SORTS = (
        ("updated", _("last changed")),
        ("name", _("name")),
        ("birth", _("birth year")),
        ("status", _("status")),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("every status")), *PersonStatus.choices]
    )
    facility = _facility_field(label=_("Last known facility"))
    region = _region_field(label=_("Region"))
    born = forms.IntegerField(label=_("Birth year"), required=False, min_value=1900, max_value=2030)
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=SORTS)

    def filters(self) -> dict:
        """The valid filters; an invalid one is left out (its error is shown beside it)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "status": data.get("status") or "",
            "facility": data.get("facility"),
            "region": data.get("region"),
            "birth_year": data.get("born"),
            "sort": data.get("sort") or "updated",
        }

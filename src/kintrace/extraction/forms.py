"""Forms of the extraction pages: the pasted text, an article made a source, and one accept
form per kind of fact (the caseworker's choice of person, source or case)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kintrace.cases.models import Case
from kintrace.registry.forms import PartialDateField, SourceField, SourceForm
from kintrace.registry.models import EventType, FacilityType, Person, Region, SourceKind
from kintrace.web.fields import TextField

MAX_TEXT = 100_000  # characters: a long article; more is refused with one line
LANGS = (("auto", _("Detect")), ("ru", _("Russian")), ("en", _("English")))


def _text_field() -> TextField:
    return TextField(
        label=_("Text"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 12}),
    )


def _lang_field() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Language"), choices=LANGS, initial="auto")


class PasteForm(forms.Form):
    text = _text_field()
    lang = _lang_field()
    date = forms.DateField(
        label=_("The text's date"),
        required=False,
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_('What "yesterday" or "in early July" is read against; today if empty.'),
    )
    who = TextField(
        label=_("Find a person by name"),
        max_length=200,
        required=False,
        help_text=_("The accept forms then offer the persons found instead of a number."),
    )


class ArticleForm(SourceForm):
    text = _text_field()
    lang = _lang_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = SourceKind.MEDIA_ARTICLE


class _PersonNumberField(forms.IntegerField):
    default_error_messages = {"invalid": _("No person has this number.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Person number"))
        kwargs.setdefault("help_text", _("The number in the address of the person's page."))
        super().__init__(min_value=1, max_value=2**31 - 1, **kwargs)

    def clean(self, value):
        pk = super().clean(value)
        if pk is None:  # left empty where the field is optional (a facility for a case)
            return None
        person = Person.objects.filter(pk=pk).first()
        if person is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return person


def person_label(person) -> str:
    """A person as the picker lists him: the name that matched the search, his number."""
    name = getattr(person, "matched_name", None)
    return f"{name.full_text if name is not None else person} — №{person.pk}"


class _AcceptForm(forms.Form):
    """`fixed_source`: the page's own source, carried hidden instead of picked. `people`:
    persons a name search found; the person is then picked from them, not typed."""

    def __init__(self, *args, fixed_source=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "source" in self.fields and fixed_source is not None:
            self.fields["source"].widget = forms.HiddenInput()
            self.initial["source"] = fixed_source.pk
        if "person" in self.fields and people:
            field = self.fields["person"]
            field.widget = forms.Select(
                choices=[("", _("— choose —"))] + [(p.pk, person_label(p)) for p in people]
            )
            field.help_text = _("Found by the name searched above.")


class NameAcceptForm(_AcceptForm):
    name = TextField(label=_("Name"), max_length=300)
    person = _PersonNumberField()
    source = SourceField(required=False, widget=forms.HiddenInput())


class EventAcceptForm(_AcceptForm):
    type = forms.ChoiceField(label=_("What happened"), choices=EventType.choices)
    date = PartialDateField(label=_("When"))
    place_text = TextField(label=_("Place"), max_length=300, required=False)
    quote = TextField(label=_("Quote"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    person = _PersonNumberField()
    source = SourceField(label=_("Source"))


class FacilityAcceptForm(_AcceptForm):
    """A facility fact made the last known facility of a person, or of a case's person."""

    type = forms.ChoiceField(label=_("Type"), choices=FacilityType.choices)
    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=9999)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.order_by("name_ru"), required=False,
        empty_label=_("— not known —"),
    )  # fmt: skip
    person = _PersonNumberField(required=False)
    case = forms.IntegerField(
        label=_("or case number"), min_value=1, max_value=2**31 - 1, required=False,
        error_messages={"invalid": _("No case has this number.")},
    )  # fmt: skip

    def clean_case(self):
        pk = self.cleaned_data.get("case")
        if pk is None:
            return None
        case = Case.objects.select_related("person").filter(pk=pk).first()
        if case is None:
            raise forms.ValidationError(_("No case has this number."), code="invalid")
        return case

    def clean(self):
        data = super().clean() or {}
        if (data.get("person") is None) == (data.get("case") is None) and not self.errors:
            raise forms.ValidationError(_("Choose a person or a case, one of them."))
        return data


class PhoneAcceptForm(_AcceptForm):
    phone = TextField(label=_("Phone"), max_length=40)
    context = TextField(label=_("Sentence"), max_length=2000, required=False)
    case = forms.IntegerField(
        label=_("Case number"), min_value=1, max_value=2**31 - 1,
        error_messages={"invalid": _("No case has this number.")},
    )  # fmt: skip

    def clean_case(self):
        case = Case.objects.filter(pk=self.cleaned_data["case"]).first()
        if case is None:
            raise forms.ValidationError(_("No case has this number."), code="invalid")
        return case

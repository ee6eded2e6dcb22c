"""Forms: parse and validate what staff type about remains; the services do the writing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kintrace.registry.forms import PartialDateField, SourceField
from kintrace.registry.models import Region, Sex
from kintrace.web.fields import TextField

from .models import Basis, RemainsKind

TATTOO_HELP = _(
    "One per line: where | the words written | what it shows, e.g. "
    "“левое предплечье | ВДВ | парашют”. Leave a part empty if unknown."
)


def tattoos_parse(text: str) -> list[dict]:
    """Lines of "where | words | picture" → [{"location", "text", "image"}]; a line without
    "|" is the words written."""
    out = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 1:
            out.append({"location": "", "text": parts[0], "image": ""})
        else:
            parts += ["", ""]
            out.append(
                {"location": parts[0], "text": parts[1], "image": " ".join(parts[2:]).strip()}
            )
    return out


def tattoos_text(items) -> str:
    """The stored tattoos written back as the form's lines."""
    return "\n".join(
        " | ".join((t.get("location", ""), t.get("text", ""), t.get("image", "")))
        for t in items or ()
    )


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _area(label, help_text="", rows=2):
    return TextField(
        label=label,
        required=False,
        help_text=help_text,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _number(label, low, high):
    return forms.IntegerField(label=label, required=False, min_value=low, max_value=high)


class DescriptorsForm(forms.Form):
    """The descriptors both sides share (ante-mortem and post-mortem)."""

    height_min = _number(_("Height from (cm)"), 100, 230)
    height_max = _number(_("Height to (cm)"), 100, 230)
    hair = TextField(label=_("Hair"), required=False, max_length=200)
    tattoos = _area(_("Tattoos"), TATTOO_HELP, rows=3)
    scars = _area(_("Scars (where, what)"))
    amputations = _area(_("Amputations"))
    teeth = _area(_("Teeth"))
    clothing = _area(_("Clothing"))
    belongings = _area(_("Belongings"), _("One per line: a cross, a watch, a phone…"))
    unit = TextField(label=_("Unit"), required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if data is None:  # Form.clean returns cleaned_data; a None keeps it as it is
            return None
        for low, high in (("height_min", "height_max"), ("age_min", "age_max")):
            a, b = data.get(low), data.get(high)
            if a is not None and b is not None and a > b:
                self.add_error(high, _("The range ends before it starts."))
        return data

    def descriptor_values(self) -> dict:
        data = dict(self.cleaned_data)
        data["tattoos"] = tattoos_parse(data.get("tattoos", ""))
        data["belongings"] = lines(data.get("belongings", ""))
        return data


class AnteMortemForm(DescriptorsForm):
    pass


class RemainsForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=RemainsKind.choices)
    found = PartialDateField(label=_("Found or buried on"))
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.order_by("name_ru"),
        required=False,
        empty_label=_("— not known —"),
    )
    place_text = TextField(label=_("Place"), required=False, max_length=300)
    cemetery = TextField(label=_("Cemetery or morgue"), required=False, max_length=300)
    plot = TextField(label=_("Plot or grave marker"), required=False, max_length=300)
    token_text = TextField(label=_("Token or number on the grave"), required=False, max_length=100)
    name_on_grave = TextField(label=_("Name on the grave"), required=False, max_length=300)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, required=False, initial="m")
    age_min = _number(_("Age from"), 0, 120)
    age_max = _number(_("Age to"), 0, 120)
    source = SourceField(
        label=_("Source"), help_text=_("Type part of its title and pick it from the list.")
    )
    notes = _area(_("Notes"))

    field_order = ["kind", "found", "region", "place_text", "cemetery", "plot", "token_text"]


class RemainsFullForm(RemainsForm, DescriptorsForm):
    """Everything recorded about remains: where and when, what is written, the descriptors."""

    def values(self) -> dict:
        data = self.descriptor_values()
        return data


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo"))


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("identified", _("This is him")), ("rejected", _("Not him"))],
        widget=forms.RadioSelect,
    )
    basis = forms.ChoiceField(label=_("Basis"), choices=[("", "—"), *Basis.choices], required=False)
    note = _area(_("Note"))


class CloseForm(forms.Form):
    note = _area(_("Why is the record closed?"))


class ImportForm(forms.Form):
    """A burial or body-return list: the file, what its rows are, where it came from."""

    file = forms.FileField(label=_("File (CSV or XLSX)"))
    kind = forms.ChoiceField(label=_("Each row is a"), choices=RemainsKind.choices)
    source = SourceField(
        label=_("Source"), help_text=_("Type part of its title and pick it from the list.")
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.order_by("name_ru"),
        required=False,
        empty_label=_("— not known —"),
    )

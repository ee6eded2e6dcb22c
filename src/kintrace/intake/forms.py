"""Web forms of the intake. They only carry and redisplay values: the checking itself is
`validation.clean_report`, shared with the API."""

from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from kintrace.web.fields import TextField

from .validation import (
    DESCRIPTION_LIMITS,
    LIMITS,
    WHAT_HAPPENED,
    CleanReport,
    ReportInvalid,
    clean_description,
    clean_report,
)


def _text(label, path, help_text="", textarea=False, **attrs):
    widget = (
        forms.Textarea(attrs={"rows": 6, **attrs}) if textarea else forms.TextInput(attrs=attrs)
    )
    widget.attrs["maxlength"] = {**LIMITS, **DESCRIPTION_LIMITS}[path]
    return TextField(label=label, help_text=help_text, required=False, widget=widget, strip=False)


class DescriptionFields(forms.Form):
    """ "Приметы": what the relative knows of his body and things, all optional. The same
    fields in the report form and in the inbox; checked by `validation.clean_description`."""

    # A text box, not a number: "175–180" and "около 180" are what people know.
    description_height = _text(
        _("Height"), "description.height", _("In centimetres: 178, 175–180 or about 180.")
    )
    description_build = _text(
        _("Build"), "description.build", _("For example thin, stocky, heavy.")
    )
    description_hair = _text(
        _("Hair"), "description.hair", _("Colour, length, bald, grey — as you last saw him.")
    )
    description_eyes = _text(_("Eyes"), "description.eyes")
    description_tattoos = _text(
        _("Tattoos"),
        "description.tattoos",
        _(
            "One per line: where it is, and what is written or drawn. For example: "
            "левое плечо — «Оля 2013», роза."
        ),
        textarea=True,
        rows=3,
    )
    description_scars = _text(
        _("Scars, birthmarks, old injuries"),
        "description.scars",
        _("Where and what, for example: a scar from an appendix operation."),
        textarea=True,
        rows=2,
    )
    description_teeth = _text(
        _("Teeth"),
        "description.teeth",
        _("Gold or metal crowns, missing teeth, dentures."),
        textarea=True,
        rows=2,
    )
    description_clothing = _text(
        _("Clothing"),
        "description.clothing",
        _("What he wore or was given when he left, if you know."),
        textarea=True,
        rows=2,
    )
    description_belongings = _text(
        _("Belongings"),
        "description.belongings",
        _("One per line: a cross, a ring, a watch, a phone, a letter or photo he carried."),
        textarea=True,
        rows=3,
    )

    def description_raw(self) -> dict:
        return {
            "description": {
                name.partition("_")[2]: self.data.get(name, "")
                for name in self.fields
                if name.startswith("description_")
            }
        }

    def description_open(self) -> bool:
        """Show the section unfolded when it holds something or a problem."""
        return any(
            self[name].value() or self.errors.get(name)
            for name in self.fields
            if name.startswith("description_")
        )

    def description_fields(self) -> list:
        return [self[name] for name in self.fields if name.startswith("description_")]


class ReportForm(DescriptionFields):
    subject_name = _text(
        _("His full name"),
        "subject.name",
        _("Surname, name, patronymic — as much as you know."),
        autocomplete="off",
    )
    # No numeric keyboard: "около 1987" needs letters.
    subject_birth_date = _text(
        _("Date of birth"),
        "subject.birth_date",
        _("For example 14.03.1987, 03.1987, 1987 or about 1987."),
    )
    subject_facility = _text(
        _("Colony or prison"), "subject.facility", _("For example ИК-2 or ЛИУ-10.")
    )
    subject_region = _text(_("Region"), "subject.region", _("For example Пермский край."))
    details_recruited_when = _text(
        _("When was he recruited?"),
        "details.recruited_when",
        _("A date, a month or “spring 2024”, as you know it."),
    )
    details_last_contact_when = _text(
        _("When did he last get in touch?"), "details.last_contact_when"
    )
    details_last_contact_how = _text(
        _("How did he get in touch?"),
        "details.last_contact_how",
        _("For example: a call from an unknown WhatsApp number, a letter, through a friend."),
        textarea=True,
        rows=3,
    )
    details_what_happened = forms.MultipleChoiceField(
        label=_("What happened?"),
        required=False,
        choices=WHAT_HAPPENED,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick everything that applies."),
    )
    message = _text(_("What happened, in your words"), "message", textarea=True)
    details_money_promised = _text(
        _("Money promised"),
        "details.money_promised",
        _("Who promised how much, for what."),
        textarea=True,
        rows=2,
    )
    details_money_paid = _text(
        _("Money paid"),
        "details.money_paid",
        _("What was actually paid, when and how."),
        textarea=True,
        rows=2,
    )
    reporter_name = _text(_("Your name"), "reporter.name", autocomplete="off")
    reporter_relationship = _text(
        _("Who are you to him?"), "reporter.relationship", _("For example mother, wife, sister.")
    )
    reporter_contact = _text(
        _("How can we reach you?"),
        "reporter.contact",
        _("A phone number, Telegram or e-mail — only if you want us to."),
        autocomplete="off",
    )

    SECTIONS = ("subject", "reporter", "details", "description")

    def raw(self) -> dict:
        """The submitted values in the shape `clean_report` (and the API) use."""
        data: dict[str, Any] = {"subject": {}, "reporter": {}, "details": {}, "description": {}}
        for name in self.fields:
            section, _sep, field = name.partition("_")
            if name == "message":
                data["message"] = self.data.get("message", "")
            elif name == "details_what_happened":
                data["details"]["what_happened"] = cast(QueryDict, self.data).getlist(name)
            elif section in self.SECTIONS:
                data[section][field] = self.data.get(name, "")
        return data

    def clean_report(self) -> CleanReport | None:
        """Run the shared validation; put each problem next to its field."""
        if not self.is_valid():
            return None
        try:
            return clean_report(self.raw())
        except ReportInvalid as e:
            for path, message in e.errors.items():
                field = path.replace(".", "_", 1)
                self.add_error(field if field in self.fields else None, message)
            return None


class MessageForm(DescriptionFields):
    """The inbox's "add information": a message, files and the "Приметы" again."""

    message = TextField(
        label=_("Add information"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": LIMITS["message"]}),
    )

    def clean_description(self) -> dict[str, str] | None:
        """The "Приметы" through the shared validation; None (errors added) if refused."""
        try:
            return clean_description(self.description_raw())
        except ReportInvalid as e:
            for path, message in e.errors.items():
                self.add_error(path.replace(".", "_", 1), message)
            return None

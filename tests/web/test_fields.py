"""Text people type goes through `TextField`, which drops the bidirectional controls: stored as
typed, U+202E would show the next reader a name or a note in another order than written."""

import pytest
from django import forms

from kintrace.intake import forms as intake_forms
from kintrace.lists import forms as lists_forms
from kintrace.names.text import BIDI_CONTROLS, clean
from kintrace.registry import forms as registry_forms
from kintrace.web.fields import TextField

# Every character the Unicode bidi algorithm treats as an explicit control or a mark.
EXPECTED = [
    "\u061c",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
]


def test_the_controls_are_every_explicit_bidi_control_and_mark():
    import unicodedata

    assert sorted(BIDI_CONTROLS) == EXPECTED
    # the marks (ALM, LRM, RLM: classes AL, L, R) and every explicit control class
    classes = {unicodedata.bidirectional(ch) for ch in BIDI_CONTROLS}
    assert classes == {
        "AL",
        "L",
        "R",
        "LRE",
        "RLE",
        "PDF",
        "LRO",
        "RLO",
        "LRI",
        "RLI",
        "FSI",
        "PDI",
    }


@pytest.mark.parametrize("control", EXPECTED)
def test_a_text_field_drops_each_control_and_nothing_else(control):
    typed = f"Иванов{control} Иван\u00ad Иванович ‹ИК-2›"
    assert TextField().clean(typed) == "Иванов Иван\u00ad Иванович ‹ИК-2›"


def test_names_drop_the_same_controls_before_parsing():
    for control in EXPECTED:
        assert clean(f"Ив{control}анов") == "Иванов"


def _form_classes():
    for module in (lists_forms, registry_forms, intake_forms):
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == module.__name__
            ):
                yield value


def test_every_text_field_of_the_lists_registry_and_intake_forms_drops_the_controls():
    seen = 0
    for form in _form_classes():
        for name, field in form.base_fields.items():
            # free text; URLs and the like have their own validation
            if type(field) is forms.CharField:
                raise AssertionError(f"{form.__name__}.{name} is a {type(field).__name__}")
            seen += isinstance(field, TextField)
    assert seen >= 20  # the walk saw the forms

"""Probabilities are shown as percentages in the reader's number format (issue 11), and an
uncertain one is never rounded to a certain-looking 100 %."""

from django.utils import translation

from kintrace.registry.templatetags.registry_tags import percent


def test_a_probability_reads_as_a_percentage_in_russian_and_english():
    with translation.override("ru"):
        assert percent(0.9312) == "93,1\u00a0%"
    with translation.override("en"):
        assert percent(0.9312) == "93.1\u00a0%"


def test_nearly_certain_is_not_shown_as_certain():
    with translation.override("ru"):
        assert percent(0.999996) == "> 99,99\u00a0%"
        assert percent(0.995) == "99,50\u00a0%"
        assert percent(0.00001) == "< 0,01\u00a0%"
        assert percent(None) == ""

"""Triage suggestions compare the report with each registry person as a whole (issue 11):
a patronymic known from any of his variants is known, and a conflict with one counts."""

import pytest

from kintrace.intake.matching import suggest_persons
from kintrace.names.dates import PartialDate
from kintrace.registry.services import person_create, person_name_add

from .helpers import make_report

pytestmark = pytest.mark.django_db


def test_a_suggestion_is_explained_by_what_is_known_of_the_whole_person(org_keys):
    # He is Тимофеев Борис Юрьевич; the report names Борис Борисович. His Latin variant has
    # no patronymic, which must not hide the conflict with his other variants.
    him = person_create(name="Тимофеев Борис Юрьевич", birth=PartialDate(1985), actor=None)
    person_name_add(person=him, text="Timofeev Boris", actor=None)
    person_name_add(person=him, text="ТИМОФЕЕВ Б.Ю.", actor=None)
    report, _receipt = make_report(
        subject={"name": "Тимофеев Борис Борисович", "birth_date": "1985"}
    )
    (suggestion,) = [s for s in suggest_persons(report) if s.person.pk == him.pk]
    patronymic = {e.comparison: e for e in suggestion.explanation}["patronymic"]
    assert patronymic.level != "missing"
    assert patronymic.match_weight < 0
    assert suggestion.probability < 0.1


def test_the_man_himself_is_still_suggested_first(org_keys):
    him = person_create(name="Тимофеев Борис Юрьевич", birth=PartialDate(1985), actor=None)
    person_name_add(person=him, text="Timofeev Boris", actor=None)
    person_create(name="Тимофеев Борис Борисович", birth=PartialDate(1962), actor=None)
    report, _receipt = make_report(
        subject={"name": "Timofeev Boris Yurievich", "birth_date": "1985"}
    )
    best = suggest_persons(report)[0]
    assert best.person.pk == him.pk
    assert best.probability > 0.5

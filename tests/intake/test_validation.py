import pytest

from kintrace.intake.validation import LIMITS, ReportInvalid, clean_report


def test_a_report_needs_only_his_name():
    clean = clean_report({"subject": {"name": "  Иванов А.С. "}, "message": ""})
    assert clean.subject["name"] == "Иванов А.С."
    assert clean.private["reporter"] == {"name": "", "relationship": "", "contact": ""}


def test_a_missing_name_is_named_as_subject_name():
    with pytest.raises(ReportInvalid) as e:
        clean_report({"subject": {"name": " "}, "message": "x"})
    assert set(e.value.errors) == {"subject.name"}


def test_an_impossible_birth_date_is_named_and_every_problem_reported_at_once():
    with pytest.raises(ReportInvalid) as e:
        clean_report(
            {
                "subject": {"name": "Иванов", "birth_date": "31.02.1987"},
                "details": {"last_contact_when": "вчера-позавчера"},
                "reporter": {"contact": "x" * (LIMITS["reporter.contact"] + 1)},
            }
        )
    assert set(e.value.errors) == {
        "subject.birth_date",
        "details.last_contact_when",
        "reporter.contact",
    }


def test_dates_are_accepted_as_people_write_them():
    for text in ("1987", "03.1987", "14.03.1987", "14 марта 1987"):
        clean = clean_report({"subject": {"name": "Иванов", "birth_date": text}})
        assert clean.subject["birth_date"] == text


def test_what_happened_takes_only_the_event_vocabulary():
    from kintrace.intake.validation import WHAT_HAPPENED_CODES
    from kintrace.registry.models import EventType

    assert WHAT_HAPPENED_CODES <= set(EventType.values)
    with pytest.raises(ReportInvalid) as e:
        clean_report({"subject": {"name": "Иванов"}, "details": {"what_happened": ["recruit"]}})
    assert "details.what_happened" in e.value.errors


def test_a_region_is_recognised_into_its_code():
    clean = clean_report({"subject": {"name": "Иванов", "region": "Пермский край"}})
    assert clean.region_code == "RU-PER"


def test_a_wrongly_typed_value_is_refused_with_its_path():
    with pytest.raises(ReportInvalid) as e:
        clean_report({"subject": {"name": 42}})
    assert "subject.name" in e.value.errors


@pytest.mark.parametrize(
    "text",
    [
        "около 1985",
        "1985?",
        "примерно 1985 года",
        "весна 1985",
        "осенью 2024",
        "в январе 2025",
        "1980-е",
        "в начале июля 2024",
        "летом 2023 года",
        "'14.03.1987",
        "14.03.1987.",
    ],
)
def test_vague_dates_a_relative_writes_are_accepted_as_typed(text):
    clean = clean_report(
        {"subject": {"name": "Иванов", "birth_date": text}, "details": {"last_contact_when": text}}
    )
    assert clean.subject["birth_date"] == text


@pytest.mark.parametrize(
    "name", ["\u200b", "\ufeff", "\u180e", "\u200b\ufeff", "\u001f", "\u2060 \u00ad", "...", "-"]
)
def test_a_name_with_no_letter_or_digit_is_no_name(name):
    with pytest.raises(ReportInvalid) as e:
        clean_report({"subject": {"name": name}, "message": "x"})
    assert set(e.value.errors) == {"subject.name"}


def test_bidi_controls_are_dropped_from_every_text_of_a_report():
    """The web form and the API share this validation: U+202E and its kin would show the
    caseworker a name in another order than the relative wrote it."""
    rlo = "\u202e"
    clean = clean_report(
        {
            "subject": {"name": f"Иванов{rlo} Иван\u2066", "facility": "ИК-2\u200f"},
            "reporter": {"name": "\u202bМария", "contact": "+7 900\u2069 000-00-00"},
            "details": {"last_contact_how": f"звонок{rlo}"},
            "message": f"Пропал{rlo}\u061c в мае.",
        }
    )
    assert clean.subject["name"] == "Иванов Иван"
    assert clean.subject["facility"] == "ИК-2"
    assert clean.private["reporter"]["name"] == "Мария"
    assert clean.private["reporter"]["contact"] == "+7 900 000-00-00"
    assert clean.private["message"] == "Пропал в мае."
    assert clean.private["last_contact_how"] == "звонок"

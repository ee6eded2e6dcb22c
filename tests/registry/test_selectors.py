import pytest

from kintrace.names.dates import parse_date
from kintrace.registry import selectors, services
from kintrace.registry.models import PersonStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def ivanov(alice):
    return services.person_create(
        name="Иванов Александр Сергеевич", birth=parse_date("1987"), actor=alice
    )


@pytest.fixture
def namesakes(alice):
    """People the search must rank below, or leave out for, Иванов Александр."""
    return {
        "andrei": services.person_create(name="Иванов Андрей Петрович", actor=alice),
        "boris": services.person_create(name="Иванов Борис", actor=alice),
        "petrov": services.person_create(name="Петров Александр", actor=alice),
        "ivanova": services.person_create(name="Иванова Мария Петровна", actor=alice),
    }


@pytest.mark.parametrize("query", ["ivanov", "Иванов", "ИВАНОВА", "Ivanov A", "Саша Иванов"])
def test_search_finds_ivanov_aleksandr_whatever_the_script_case_or_form(ivanov, query):
    results = selectors.person_search(query)
    assert ivanov in results


@pytest.mark.parametrize(
    "query", ["Ivanov A", "Саша Иванов", "Sasha Ivanov", "Aleksandr Ivanov", "ИВАНОВ А.С."]
)
def test_search_with_a_given_name_or_initial_ranks_him_first(ivanov, namesakes, query):
    results = selectors.person_search(query)
    assert results[0] == ivanov
    assert namesakes["petrov"] not in results


def test_search_with_a_different_given_name_leaves_him_out(ivanov, namesakes):
    results = selectors.person_search("Иванов Борис")
    assert results[0] == namesakes["boris"]
    assert ivanov not in results


def test_search_finds_a_cyrillic_name_from_a_latin_query_through_any_variant(alice):
    person = services.person_create(name="Ковальчук Дмитрий", actor=alice)
    services.person_name_add(person=person, text="Kovalchuk Dima", actor=alice)
    assert selectors.person_search("kovalchuk")[0] == person
    assert selectors.person_search("КОВАЛЬЧУКА ДМИТРИЯ")[0] == person


def test_search_finds_a_partly_typed_surname(ivanov):
    assert ivanov in selectors.person_search("Ивано")
    assert ivanov in selectors.person_search("ivan")


def test_search_marks_the_matching_name_and_score(ivanov):
    hit = selectors.person_search("Ivanov A")[0]
    assert hit.matched_name.full_text == "Иванов Александр Сергеевич"
    assert hit.search_score > 100


def test_search_leaves_out_records_merged_into_another(alice, ivanov):
    from kintrace.registry.models import Person

    other = services.person_create(name="Иванов Александр", actor=alice)
    Person.objects.filter(pk=other.pk).update(merged_into=ivanov)
    assert selectors.person_search("Иванов Александр") == [ivanov]


def test_search_for_nothing_finds_nothing(ivanov):
    assert selectors.person_search("") == []
    assert selectors.person_search("Сидоров") == []


def test_timeline_is_in_date_order_with_sources_and_quotes(alice, ivanov, strong_source):
    services.event_create(
        type="killed",
        start=parse_date("08.2023"),
        persons=[ivanov],
        citations=[(strong_source, "погиб под Бахмутом")],
        actor=alice,
    )
    services.event_create(type="offered", start=parse_date("2022"), persons=[ivanov], actor=alice)
    services.event_create(
        type="training",
        start=parse_date("03.2023"),
        end=parse_date("04.2023"),
        persons=[ivanov],
        actor=alice,
    )
    timeline = selectors.person_timeline(ivanov)
    assert [e.type for e in timeline] == ["offered", "training", "killed"]
    assert timeline[1].date_display == "03.2023 – 04.2023"
    citation = timeline[2].citations.all()[0]
    assert citation.quote == "погиб под Бахмутом" and citation.source == strong_source


def test_status_explanation_is_the_same_decision_as_the_stored_status(alice, ivanov, strong_source):
    event = services.event_create(
        type="captured",
        start=parse_date("10.2023"),
        persons=[ivanov],
        citations=[strong_source],
        actor=alice,
    )
    decision = selectors.person_status_explain(ivanov)
    ivanov.refresh_from_db()
    assert decision.status == ivanov.status == PersonStatus.CAPTURED
    assert decision.winner.event_id == event.pk


def test_facility_summary_counts_events_by_type_and_lists_its_persons(
    alice, regions, ivanov, strong_source
):
    from kintrace.registry.models import Region

    facility = services.facility_create(
        type="ИК", number="7", region=Region.objects.get(code="RU-PER"), actor=alice
    )
    services.person_update(person=ivanov, last_facility=facility, actor=alice)
    other = services.person_create(name="Петров Олег", actor=alice)
    for person in (ivanov, other):
        services.event_create(
            type="offered",
            start=parse_date("2022"),
            facility=facility,
            persons=[person],
            citations=[strong_source],
            actor=alice,
        )
    services.event_create(
        type="selected", start=parse_date("2022"), facility=facility, persons=[other], actor=alice
    )
    summary = selectors.facility_summary(facility)
    assert summary["person_count"] == 2
    assert set(summary["persons"]) == {ivanov, other}
    assert {r["type"]: r["count"] for r in summary["by_type"]} == {"offered": 2, "selected": 1}
    assert summary["event_count"] == 3


def test_the_numbers_count_a_mans_status_without_his_name(alice, ivanov, strong_source):
    # the registry's numbers moved to kintrace.figures (the numbers page)
    from kintrace.figures.selectors import Filters, totals

    services.event_create(
        type="missing",
        start=parse_date("2023"),
        persons=[ivanov],
        citations=[strong_source],
        actor=alice,
    )
    numbers = totals(Filters())
    assert (numbers["men"], numbers["dead"], numbers["missing"]) == (1, 0, 1)
    assert "Иванов" not in repr(numbers)


@pytest.mark.parametrize("query", ["Sadykov Yu", "Sadykov Yu.", "Садыков Ю"])
def test_search_takes_a_two_letter_latin_initial_without_a_dot_as_an_initial(alice, query):
    person = services.person_create(name="Садыков Юрий Ринатович", actor=alice)
    services.person_create(name="Садыков Олег", actor=alice)
    assert selectors.person_search(query) == [person]


def test_an_ambiguous_diminutive_finds_every_full_name_it_may_stand_for():
    # "Slava" is Вячеслав, Владислав, Ярослав…: the search must not keep only the first.
    vladislav = services.person_create(name="Петров Владислав Олегович", actor=None)
    viacheslav = services.person_create(name="Петров Вячеслав Ильич", actor=None)
    pavel = services.person_create(name="Петров Павел Ильич", actor=None)
    found = {p.pk for p in selectors.person_search("Slava Petrov")}
    assert {vladislav.pk, viacheslav.pk} <= found
    assert pavel.pk not in found

import re

import pytest
from django.urls import reverse

from kintrace.audit.models import AuditEntry
from kintrace.names.dates import parse_date
from kintrace.registry import services
from kintrace.registry.models import Event, Facility, Person, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(alice, regions, strong_source):
    """A person with an event at a facility, cited from a source."""
    from kintrace.registry.models import Region

    facility = services.facility_create(
        type="ИК", number="7", region=Region.objects.get(code="RU-PER"), actor=alice
    )
    person = services.person_create(
        name="Иванов Александр Сергеевич",
        birth=parse_date("1987"),
        last_facility=facility,
        actor=alice,
    )
    event = services.event_create(
        type="wounded",
        start=parse_date("14.05.2023"),
        facility=facility,
        persons=[person],
        citations=[(strong_source, "Ранен в ногу")],
        actor=alice,
    )
    return {"person": person, "facility": facility, "event": event, "source": strong_source}


def name_views(w):
    """(url name, kwargs) of every view that shows persons' names, GET."""
    return [
        ("registry:search", {}),
        ("registry:persons", {}),
        ("registry:person_create", {}),
        ("registry:person", {"pk": w["person"].pk}),
        ("registry:person_edit", {"pk": w["person"].pk}),
        ("registry:event_create", {"person_pk": w["person"].pk}),
        ("registry:event_edit", {"pk": w["event"].pk}),
        ("registry:facility", {"pk": w["facility"].pk}),
        ("registry:facility_create", {}),
        ("registry:facility_edit", {"pk": w["facility"].pk}),
        ("registry:sources", {}),
        ("registry:source", {"pk": w["source"].pk}),
        ("registry:source_create", {}),
        ("registry:source_edit", {"pk": w["source"].pk}),
    ]


def test_every_name_view_opens_for_a_caseworker(world, alice, login):
    c = login(alice)
    for name, kwargs in name_views(world):
        response = c.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 200, name


def test_every_name_view_refuses_an_analyst(world, make_staff, login):
    c = login(make_staff("analyst"))
    for name, kwargs in name_views(world):
        response = c.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 403, name
        assert "Иванов" not in response.content.decode()


def test_every_registry_view_sends_an_anonymous_visitor_to_log_in(world, client):
    views = [*name_views(world), ("registry:facilities", {}), ("registry:numbers", {})]
    for name, kwargs in views:
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:login")), name


def test_a_logged_in_user_without_two_factor_is_sent_to_the_second_step(world, alice, client):
    client.force_login(alice)
    response = client.get(reverse("registry:search"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))


def test_the_analyst_sees_numbers_and_facilities_but_no_names(world, make_staff, login):
    c = login(make_staff("analyst"))
    numbers = c.get(reverse("numbers:index"))
    facilities = c.get(reverse("registry:facilities"))
    assert numbers.status_code == facilities.status_code == 200
    for response in (numbers, facilities):
        body = response.content.decode()
        assert not re.search(r"Иванов\b", body)  # his name; "Ивановская область" is a region
        assert "ИК-7" in body
        assert f'href="{reverse("registry:search")}"' not in body  # no name pages in the menu
    assert (
        reverse("registry:facility", kwargs={"pk": world["facility"].pk})
        not in facilities.content.decode()
    )


@pytest.mark.parametrize("query", ["ivanov", "Иванов", "ИВАНОВА", "Ivanov A", "Саша Иванов"])
def test_search_page_finds_him_across_scripts(world, alice, login, query):
    response = login(alice).get(reverse("registry:search"), {"q": query})
    assert response.status_code == 200
    assert (
        reverse("registry:person", kwargs={"pk": world["person"].pk}) in response.content.decode()
    )


def test_person_page_shows_names_timeline_sources_quotes_and_why(world, alice, login):
    response = login(alice).get(reverse("registry:person", kwargs={"pk": world["person"].pk}))
    body = response.content.decode()
    assert "Иванов Александр Сергеевич" in body
    assert "14.05.2023" in body and "Ранен в ногу" in body
    assert world["source"].title in body and "B2" in body
    assert 'class="status st-warn"' in body


def test_pages_carry_no_inline_style_or_script(world, alice, login):
    c = login(alice)
    for name, kwargs in name_views(world):
        body = c.get(reverse(name, kwargs=kwargs)).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", body), name
        assert " style=" not in body and "<style" not in body, name


def test_person_create_form_accepts_dates_as_people_write_them(world, alice, login):
    c = login(alice)
    # Three different men (one name would be a likely duplicate of the others).
    for given, typed in zip(
        ["Пётр", "Глеб", "Фёдор"], ["1987", "03.1987", "14 марта 1987"], strict=True
    ):
        response = c.post(
            reverse("registry:person_create"),
            {"name": f"Сидоров {given}", "birth": typed, "sex": "m"},
        )
        assert response.status_code == 302, typed
    born = list(
        Person.objects.filter(names__surname_key="sidorov")
        .order_by("pk")
        .values_list("birth_year", "birth_month", "birth_day")
    )
    assert born == [(1987, None, None), (1987, 3, None), (1987, 3, 14)]


def test_person_create_form_explains_a_date_it_cannot_read(world, alice, login):
    response = login(alice).post(
        reverse("registry:person_create"), {"name": "Сидоров Пётр", "birth": "вчера"}
    )
    assert response.status_code == 200
    assert "не похоже на дату" in response.content.decode()
    assert not Person.objects.filter(names__surname_key="sidorov").exists()


def test_person_create_form_explains_an_impossible_date(world, alice, login):
    response = login(alice).post(
        reverse("registry:person_create"), {"name": "Сидоров Пётр", "birth": "31.02.1987"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "31.02.1987" in body
    assert "не может" in body


def test_person_create_form_requires_a_name(world, alice, login):
    response = login(alice).post(
        reverse("registry:person_create"), {"name": ""}, headers={"accept-language": "ru"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Укажите хотя бы фамилию." in body and "Write at least the surname." not in body


def test_person_edit_saves_through_the_service(world, alice, login):
    person = world["person"]
    response = login(alice).post(
        reverse("registry:person_edit", kwargs={"pk": person.pk}),
        {"birth": "14.03.1987", "sex": "m", "call_sign": "Гром"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.call_sign == "Гром" and person.birth_day == 14
    assert AuditEntry.objects.filter(action="person.update", actor=alice).exists()


def test_a_name_variant_is_added_from_the_person_page(world, alice, login):
    person = world["person"]
    response = login(alice).post(
        reverse("registry:person_name_add", kwargs={"pk": person.pk}), {"text": "Sasha Ivanov"}
    )
    assert response.status_code == 302
    assert person.names.filter(full_text="Sasha Ivanov").exists()


def test_adding_a_name_is_refused_to_an_analyst(world, make_staff, login):
    person = world["person"]
    response = login(make_staff("analyst")).post(
        reverse("registry:person_name_add", kwargs={"pk": person.pk}), {"text": "X"}
    )
    assert response.status_code == 403
    assert not person.names.filter(full_text="X").exists()


def test_event_form_adds_a_cited_event_and_the_status_follows(world, alice, login):
    person = world["person"]
    response = login(alice).post(
        reverse("registry:event_create", kwargs={"person_pk": person.pk}),
        {
            "type": "killed",
            "start": "08.2023",
            "role": "subject",
            "source": world["source"].pk,
            "quote": "Погиб",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.status == "dead"


def test_event_form_refuses_a_period_that_ends_before_it_starts(world, alice, login):
    person = world["person"]
    response = login(alice).post(
        reverse("registry:event_create", kwargs={"person_pk": person.pk}),
        {"type": "training", "start": "05.2023", "end": "03.2023", "role": "subject"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "раньше" in body
    assert Event.objects.count() == 1


def test_event_form_wants_a_source_for_a_quote(world, alice, login):
    person = world["person"]
    response = login(alice).post(
        reverse("registry:event_create", kwargs={"person_pk": person.pk}),
        {"type": "contact", "start": "2023", "role": "subject", "quote": "звонил"},
    )
    assert response.status_code == 200
    assert Event.objects.count() == 1


def test_event_edit_and_citation_forms_work_for_a_caseworker(world, alice, login, weak_source):
    c = login(alice)
    event, person = world["event"], world["person"]
    response = c.post(
        reverse("registry:event_edit", kwargs={"pk": event.pk}),
        {"type": "hospitalised", "start": "06.2023", "person": person.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:person", kwargs={"pk": person.pk})
    response = c.post(
        reverse("registry:citation_add", kwargs={"pk": event.pk}),
        {"source": weak_source.pk, "quote": "видели в госпитале"},
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.type == "hospitalised" and event.citations.count() == 2
    citation = event.citations.get(source=weak_source)
    c.post(reverse("registry:citation_remove", kwargs={"pk": citation.pk}))
    assert event.citations.count() == 1


def test_event_delete_is_for_coordinators_and_refused_to_caseworkers(
    world, alice, make_staff, login, client
):
    from django.test import Client

    event = world["event"]
    url = reverse("registry:event_delete", kwargs={"pk": event.pk})
    assert login(alice).post(url).status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()
    coordinator = login(make_staff("coordinator"), Client())
    assert coordinator.get(url).status_code == 200  # the confirmation page
    assert Event.objects.filter(pk=event.pk).exists()
    assert coordinator.post(url).status_code == 302
    assert not Event.objects.filter(pk=event.pk).exists()


def test_facility_form_refuses_a_duplicate_with_a_message(world, alice, login):
    response = login(alice).post(
        reverse("registry:facility_create"), {"type": "ИК", "number": "7", "region": "RU-PER"}
    )
    assert response.status_code == 200
    assert "ИК-7" in response.content.decode()
    assert Facility.objects.count() == 1


def test_facility_form_refuses_a_number_that_is_not_one(world, alice, login):
    response = login(alice).post(
        reverse("registry:facility_create"), {"type": "ИК", "number": "семь"}
    )
    assert response.status_code == 200
    assert Facility.objects.count() == 1


def test_facility_page_counts_its_events_by_type(world, alice, login):
    response = login(alice).get(reverse("registry:facility", kwargs={"pk": world["facility"].pk}))
    body = response.content.decode()
    assert "Иванов Александр Сергеевич" in body
    assert re.search(r"<td>[^<]*</td><td class=\"num\">1</td>", body)


def test_source_form_grades_on_the_admiralty_scale_and_checks_the_url(world, alice, login):
    c = login(alice)
    bad = c.post(
        reverse("registry:source_create"),
        {
            "kind": "media_article",
            "title": "T",
            "url": "not a url",
            "reliability": "A",
            "credibility": 1,
        },
    )
    assert bad.status_code == 200 and Source.objects.count() == 1
    good = c.post(
        reverse("registry:source_create"),
        {
            "kind": "media_article",
            "title": "Список",
            "url": "https://example.org/a",
            "date": "14 марта 2023",
            "reliability": "A",
            "credibility": 2,
        },
    )
    assert good.status_code == 302
    source = Source.objects.get(title="Список")
    assert source.grade == "A2" and source.date_day == 14


def test_source_edit_regrades_through_the_service(world, alice, login):
    source = world["source"]
    response = login(alice).post(
        reverse("registry:source_edit", kwargs={"pk": source.pk}),
        {"kind": source.kind, "title": source.title, "reliability": "E", "credibility": 5},
    )
    assert response.status_code == 302
    world["person"].refresh_from_db()
    assert world["person"].status == "wounded"  # the only report; now weak, still decides
    assert AuditEntry.objects.filter(action="source.update").exists()


def test_the_layout_offers_language_switch_and_logout_as_posts(world, alice, login):
    body = login(alice).get(reverse("registry:search")).content.decode()
    assert f'action="{reverse("web:set_language")}" method="post"' in body
    assert f'action="{reverse("accounts:logout")}" method="post"' in body


def test_the_layout_says_when_the_data_is_a_demo(world, alice, login):
    from kintrace.registry.models import DemoDataset

    c = login(alice)
    assert "demo-banner" not in c.get(reverse("registry:search")).content.decode()
    DemoDataset.objects.create(persons=1)
    ru = c.get(reverse("registry:search")).content.decode()
    en = c.get(reverse("registry:search"), headers={"accept-language": "en"}).content.decode()
    assert "Демонстрационные данные — вымышленные" in ru
    assert "Demo data — fictional" in en


def test_pages_are_russian_by_default_and_english_on_request(world, alice, login):
    c = login(alice)
    ru = c.get(reverse("registry:search"))
    assert ru.headers.get("Content-Language") == "ru"
    en = c.get(reverse("registry:search"), headers={"accept-language": "en"})
    assert 'lang="en"' in en.content.decode()


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("около 1985", (1985, None, None, True), "около 1985"),
        ("1985?", (1985, None, None, True), "около 1985"),
        ("примерно 03.1985", (1985, 3, None, True), "около 03.1985"),
        ("весна 1985", (1985, None, None, False), "1985"),
    ],
)
def test_an_approximate_birth_date_is_kept_as_approximate_and_shown_so(
    world, alice, login, typed, stored, shown
):
    c = login(alice)
    response = c.post(
        reverse("registry:person_create"),
        {"name": "Сидоров Пётр Ильич", "birth": typed, "sex": "m"},
    )
    assert response.status_code == 302
    person = Person.objects.get(names__surname_key="sidorov")
    assert (
        person.birth_year,
        person.birth_month,
        person.birth_day,
        person.birth_approximate,
    ) == stored
    page = c.get(reverse("registry:person", kwargs={"pk": person.pk})).content.decode()
    assert shown in page
    # The edit form offers the date back as it reads, and saving it unchanged keeps it.
    edit = c.get(reverse("registry:person_edit", kwargs={"pk": person.pk})).content.decode()
    assert f'value="{shown}"' in edit
    c.post(reverse("registry:person_edit", kwargs={"pk": person.pk}), {"birth": shown, "sex": "m"})
    person.refresh_from_db()
    assert person.birth_approximate == stored[3]


def test_a_birth_date_that_is_a_period_of_years_is_explained_not_guessed(world, alice, login):
    response = login(alice).post(
        reverse("registry:person_create"), {"name": "Сидоров Пётр Ильич", "birth": "1980-е"}
    )
    assert response.status_code == 200
    assert "«1980-е» — это период в несколько лет" in response.content.decode()
    assert not Person.objects.filter(names__surname_key="sidorov").exists()


@pytest.mark.parametrize(
    ("typed", "start", "end"),
    [
        ("весна 2023", (2023, 3, False), (2023, 5, False)),
        ("в начале 2023", (2023, 1, True), (2023, 4, True)),
        ("2022-2023", (2022, None, False), (2023, None, False)),
    ],
)
def test_a_period_typed_in_the_when_field_becomes_the_events_start_and_end(
    world, alice, login, typed, start, end
):
    person = world["person"]
    response = login(alice).post(
        reverse("registry:event_create", kwargs={"person_pk": person.pk}),
        {"type": "training", "start": typed, "role": "subject"},
    )
    assert response.status_code == 302
    event = Event.objects.get(type="training")
    assert (event.start_year, event.start_month, event.start_approximate) == start
    assert (event.end_year, event.end_month, event.end_approximate) == end


@pytest.mark.parametrize("typed", ["ФИО1", "Ф.И.О.", "[данные изъяты]"])
def test_a_redaction_placeholder_is_no_new_person_and_no_spelling(world, alice, login, typed):
    c = login(alice)
    response = c.post(reverse("registry:person_create"), {"name": typed, "sex": "m"})
    assert response.status_code == 200
    assert "заменяет скрытое имя" in response.content.decode()
    person = world["person"]
    c.post(reverse("registry:person_name_add", kwargs={"pk": person.pk}), {"text": typed})
    assert not person.names.filter(full_text=typed).exists()
    assert Person.objects.count() == 1


def test_bidi_controls_typed_into_a_name_are_not_stored(world, alice, login):
    """U+202E would show the next reader "Иванов" as another name; the form drops the bidi
    controls as kintrace.names does before parsing."""
    response = login(alice).post(
        reverse("registry:person_create"),
        {
            "name": "Сидоров\u202e Пётр\u2066 Ильич\u200f",
            "birth": "1987",
            "sex": "m",
            "call_sign": "Гром\u202d",
            "notes": "ранен\u061c в мае",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(names__surname_key="sidorov")
    assert person.names.get().full_text == "Сидоров Пётр Ильич"
    assert (person.call_sign, person.notes) == ("Гром", "ранен в мае")

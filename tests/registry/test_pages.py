"""Registry pages that stay usable as the registry grows: paged lists, filters and order by GET
parameters, a source picker one can type into, a constant number of queries for the facility
list, search results that say why, and pages no browser keeps."""

import re

import pytest
from django.urls import reverse

from kintrace.names.dates import parse_date
from kintrace.registry import services
from kintrace.registry.models import Citation, Event, Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def colony(alice, regions):
    """ИК-17 with 55 men last known there, each with an event there."""
    facility = services.facility_create(
        type="ИК", number="17", region=Region.objects.get(code="RU-MO"), actor=alice
    )
    surnames = ["Петров", "Сидоров", "Кузьмин", "Орлов", "Зайцев"]
    for i in range(55):
        person = services.person_create(
            name=f"{surnames[i % 5]} Иван {i}",
            birth=parse_date(str(1960 + i)),
            last_facility=facility,
            actor=alice,
        )
        services.event_create(
            type="offered",
            start=parse_date("2022"),
            facility=facility,
            persons=[person],
            actor=alice,
        )
    return facility


def test_the_facility_list_takes_the_same_few_queries_for_many_facilities(
    alice, regions, login, django_assert_max_num_queries
):
    mordovia = Region.objects.get(code="RU-MO")
    facilities = [
        services.facility_create(type="ИК", number=str(n), region=mordovia, actor=alice)
        for n in range(1, 31)
    ]
    for facility in facilities[:10]:
        for i in range(3):
            person = services.person_create(
                name=f"Сидоров Олег {i}", last_facility=facility, actor=alice
            )
            for _ in range(2):
                services.event_create(
                    type="offered",
                    start=parse_date("2022"),
                    facility=facility,
                    persons=[person],
                    actor=alice,
                )
    c = login(alice)
    with django_assert_max_num_queries(12):
        response = c.get(reverse("registry:facilities"))
    body = response.content.decode()
    # Each of the first ten: 3 persons and 6 events, counted apart (not 3 x 6 joined rows).
    row = re.search(r"ИК-1</a>.*?</tr>", body, re.S)[0]
    assert re.findall(r'class="num">(\d+)<', row) == ["3", "6"]


def test_the_facility_list_leaves_merged_away_persons_out_of_its_count(alice, colony, login):
    from kintrace.registry.models import Person

    first, second = Person.objects.filter(last_facility=colony)[:2]
    Person.objects.filter(pk=second.pk).update(merged_into=first)
    body = login(alice).get(reverse("registry:facilities")).content.decode()
    assert re.findall(r'class="num">(\d+)<', body) == ["54", "55"]


def test_a_facility_page_pages_its_persons_and_its_events_apart(alice, colony, login):
    c = login(alice)
    url = reverse("registry:facility", kwargs={"pk": colony.pk})
    first = c.get(url).content.decode()
    assert first.count('href="/registry/persons/') >= 50
    assert "persons_page=2" in first and "events_page=2" in first
    second = c.get(url, {"persons_page": "2", "events_page": "2"}).content.decode()
    # The other list's page is kept in the links.
    assert "persons_page=1" in second or "persons_page=2&amp;events_page=1" in second
    assert c.get(url, {"persons_page": "x", "events_page": "999"}).status_code == 200


def test_the_person_list_filters_by_status_facility_region_and_birth_year(alice, colony, login):
    other = services.facility_create(type="ИК", number="2", actor=alice)
    outsider = services.person_create(
        name="Кузнецов Павел", birth=parse_date("1985"), last_facility=other, actor=alice
    )
    c = login(alice)
    url = reverse("registry:persons")
    by_facility = c.get(url, {"facility": other.pk}).content.decode()
    assert "Кузнецов Павел" in by_facility and "Иван 0<" not in by_facility
    by_region = c.get(url, {"region": "RU-MO"}).content.decode()
    assert "Кузнецов" not in by_region and "Иван 54<" in by_region
    by_year = c.get(url, {"born": "1985"}).content.decode()
    assert "Кузнецов Павел" in by_year and "Иван 25<" in by_year
    assert "Иван 0<" not in by_year
    dead = c.get(url, {"status": "dead"}).content.decode()
    assert "Кузнецов" not in dead and "Иван 0<" not in dead
    assert outsider.pk


def test_the_person_list_sorts_by_name_and_birth_year_and_pages_with_its_filters(
    alice, colony, login
):
    c = login(alice)
    url = reverse("registry:persons")
    body = c.get(url, {"sort": "birth", "region": "RU-MO"}).content.decode()
    assert body.index("Иван 0<") < body.index("Иван 1<") < body.index("Иван 2<")
    assert "sort=birth" in body and "region=RU-MO" in body and "page=2" in body
    by_name = c.get(url, {"sort": "name"}).content.decode()
    names = re.findall(r'class="name" href="[^"]+">([^<]+)<', by_name)
    assert names == sorted(names)


def test_a_bad_filter_is_explained_and_the_list_still_shown(alice, colony, login):
    response = login(alice).get(
        reverse("registry:persons"), {"born": "nineteen", "sort": "evil", "facility": "x"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="errorlist"' in body
    assert "Иван 54<" in body


def test_the_source_picker_is_a_typed_list_and_reads_back_the_chosen_source(
    alice, login, strong_source, weak_source
):
    person = services.person_create(name="Иванов Иван", actor=alice)
    c = login(alice)
    url = reverse("registry:event_create", kwargs={"person_pk": person.pk})
    form = c.get(url).content.decode()
    assert '<select name="source"' not in form
    assert re.search(r'<input[^>]+name="source"[^>]+list="id_source-sources"', form)
    assert f'<option value="Hospital admissions list [B2] #{strong_source.pk}">' in form
    response = c.post(
        url,
        {
            "type": "wounded",
            "start": "2023",
            "role": "subject",
            "source": f"Hospital admissions list [B2] #{strong_source.pk}",
        },
    )
    assert response.status_code == 302
    assert Citation.objects.get().source == strong_source


def test_a_source_typed_that_is_none_of_them_is_refused_with_a_message(alice, login, strong_source):
    person = services.person_create(name="Иванов Иван", actor=alice)
    c = login(alice)
    url = reverse("registry:event_create", kwargs={"person_pk": person.pk})
    response = c.post(
        url,
        {"type": "wounded", "start": "2023", "role": "subject", "source": "a list nobody entered"},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200
    assert "No such source" in response.content.decode()
    assert not Event.objects.exists()


def test_search_results_say_why_they_match(alice, colony, login):
    body = (
        login(alice)
        .get(reverse("registry:search"), {"q": "Петроф 1985"}, headers={"accept-language": "en"})
        .content.decode()
    )
    assert "surname: one letter off" in body and "birth year 1985" in body


def test_a_very_long_query_gets_an_answer_not_an_error(alice, colony, login):
    message = "Ищу Петров Иван 1961, сидел в ИК-17. " * 120  # ~4,500 characters
    response = login(alice).get(
        reverse("registry:search"), {"q": message}, headers={"accept-language": "en"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "persons found" in body or "person found" in body
    assert "were not read" in body


def test_search_refuses_the_analyst_and_sends_an_outsider_to_log_in(
    alice, colony, client, make_staff, login
):
    url = reverse("registry:search")
    anonymous = client.get(url, {"q": "Петров"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    refused = login(make_staff("analyst")).get(url, {"q": "Петров"})
    assert refused.status_code == 403
    assert "Петров" not in refused.content.decode()


def test_a_long_timeline_is_paged_on_the_person_page(alice, login, regions):
    person = services.person_create(name="Иванов Иван", actor=alice)
    for year in range(1900, 2010):
        Event.objects.create(
            type="contact", start_year=year, start_precision="year", start_sort=year * 10000
        ).participants.create(person=person)
    c = login(alice)
    url = reverse("registry:person", kwargs={"pk": person.pk})
    body = c.get(url).content.decode()
    assert body.count('<span class="when">') == 100
    assert "events_page=2" in body
    rest = c.get(url, {"events_page": "2"}).content.decode()
    assert rest.count('<span class="when">') == 10


@pytest.mark.parametrize("typed", ["²", "١٢", "#٣", "99999999999999", "#0", "   "])
def test_a_source_typed_as_an_odd_number_is_refused_or_empty_never_an_error(
    alice, login, strong_source, typed
):
    person = services.person_create(name="Иванов Иван", actor=alice)
    c = login(alice)
    url = reverse("registry:event_create", kwargs={"person_pk": person.pk})
    response = c.post(url, {"type": "wounded", "start": "2023", "role": "subject", "source": typed})
    assert response.status_code in (200, 302)
    assert not Citation.objects.exists()


def test_a_source_cited_by_many_events_pages_them(alice, login, strong_source):
    person = services.person_create(name="Иванов Иван", actor=alice)
    for day in range(1, 56):
        services.event_create(
            type="contact",
            start=parse_date(f"{day % 28 + 1}.01.2023"),
            persons=[person],
            citations=[(strong_source, f"запись {day}")],
            actor=alice,
        )
    c = login(alice)
    url = reverse("registry:source", kwargs={"pk": strong_source.pk})
    first = c.get(url).content.decode()
    assert first.count("запись ") == 50 and "events_page=2" in first
    assert c.get(url, {"events_page": "2"}).content.decode().count("запись ") == 5

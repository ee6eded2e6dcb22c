"""The extraction pages: only staff who see names get them; a pasted text comes back with its
facts marked and nothing stored; an accepted fact is written and answered with a redirect."""

import pytest
from django.test import Client
from django.urls import reverse

from kintrace.audit.models import AuditEntry
from kintrace.extraction.services import article_source_create
from kintrace.registry.models import PersonName
from kintrace.registry.services import person_create
from kintrace.security.testing import staff_with_key

pytestmark = pytest.mark.django_db

TEXT = "Мой сын Петров Иван Сергеевич позвонил 10 июля 2023 года с номера +7 916 123-45-67."


@pytest.fixture
def caseworker(login):
    user = staff_with_key("caseworker", username="olga")
    return user, login(user, Client())


@pytest.fixture
def analyst(login):
    return login(staff_with_key("analyst", username="numbers"), Client())


def test_the_paste_page_sends_anonymous_to_log_in_and_refuses_an_analyst(analyst):
    url = reverse("extraction:paste")
    anonymous = Client().post(url, {"text": TEXT, "lang": "auto"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert analyst.post(url, {"text": TEXT, "lang": "auto"}).status_code == 403
    assert analyst.get(url).status_code == 403


def test_a_pasted_text_is_shown_with_its_facts_marked_and_nothing_is_stored(caseworker):
    _user, client = caseworker
    entries = AuditEntry.objects.count()
    response = client.post(
        reverse("extraction:paste"), {"text": TEXT, "lang": "auto", "date": "2023-07-12"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="fact fact-persons"' in page and ">Петров Иван Сергеевич</mark>" in page
    assert 'class="fact fact-phones"' in page
    assert 'action="/extraction/accept/name/"' in page
    assert "<script" not in page and "style=" not in page
    assert AuditEntry.objects.count() == entries  # analysing writes nothing


def test_a_dismissed_fact_is_no_longer_marked(caseworker):
    _user, client = caseworker
    first = client.post(reverse("extraction:paste"), {"text": TEXT, "lang": "auto"})
    number = first.content.decode().split('class="fact fact-persons" id="fact-')[1].split('"')[0]
    again = client.post(
        reverse("extraction:paste"), {"text": TEXT, "lang": "auto", "dismissed": number}
    )
    assert 'class="fact fact-persons"' not in again.content.decode()
    assert 'class="fact fact-phones"' in again.content.decode()


def test_an_empty_text_is_refused_with_one_line(caseworker):
    _user, client = caseworker
    response = client.post(reverse("extraction:paste"), {"text": "  ", "lang": "auto"})
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()


def test_accepting_a_name_adds_it_to_the_chosen_person_and_redirects_to_him(caseworker):
    user, client = caseworker
    person = person_create(name="Петров Иван", actor=user)
    response = client.post(
        reverse("extraction:accept_name"),
        {"name": "Петров Иван Сергеевич", "person": person.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:person", kwargs={"pk": person.pk})
    assert PersonName.objects.filter(person=person, full_text="Петров Иван Сергеевич").exists()


def test_accepting_a_name_for_no_such_person_writes_nothing(caseworker):
    _user, client = caseworker
    names = PersonName.objects.count()
    response = client.post(
        reverse("extraction:accept_name"), {"name": "Петров Иван", "person": 999999}
    )
    assert response.status_code == 400
    assert PersonName.objects.count() == names


def test_a_source_made_from_an_article_shows_its_text_with_the_facts_and_the_source_links_it(
    caseworker, analyst
):
    user, client = caseworker
    response = client.post(
        reverse("extraction:article_create"),
        {
            "kind": "media_article",
            "title": "Вербовка в колонии",
            "publisher": "Газета",
            "url": "https://example.org/a",
            "date": "12.07.2023",
            "reliability": "C",
            "credibility": "3",
            "text": "В ИК-17 приезжал вербовщик. Петрова Ивана Сергеевича ранили 10 июля.",
            "lang": "auto",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'class="fact fact-facilities"' in page and 'class="fact fact-events"' in page
    assert 'action="/extraction/accept/event/"' in page
    source_id = int(response["Location"].rstrip("/").split("/")[-1])
    detail = client.get(reverse("registry:source", kwargs={"pk": source_id})).content.decode()
    assert response["Location"] in detail
    assert analyst.get(response["Location"]).status_code == 403


def test_a_source_without_a_kept_text_says_so(caseworker):
    user, client = caseworker
    source = article_source_create(kind="media_article", title="Т", text="Текст.", actor=user)
    source.kept_text.delete()
    page = client.get(reverse("extraction:source_text", kwargs={"pk": source.pk}))
    assert page.status_code == 200 and "<mark" not in page.content.decode()


def test_a_reports_messages_are_shown_with_facts_to_unlocked_staff_and_refused_to_an_analyst(
    login, analyst
):
    from kintrace.security.testing import unlock_client
    from tests.intake.helpers import make_report

    report, _receipt = make_report(message="Петров Иван Сергеевич пропал 10 июля 2023 года.")
    user = staff_with_key("caseworker", username="vera")
    client = login(user, Client())
    unlock_client(client, user)
    url = reverse("extraction:report_text", kwargs={"pk": report.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert 'class="fact fact-persons"' in page.content.decode()
    read = AuditEntry.objects.filter(action="reporter_data.read").order_by("-seq").first()
    assert read is not None and read.actor_id == user.pk  # decrypting is an audited read
    assert analyst.get(url).status_code == 403
    assert Client().get(url).status_code == 302


FACILITY_TEXT = "Сына перевели в ИК-17 в Мордовии."


def test_a_facility_fact_has_an_accept_form_that_links_it_to_the_chosen_person(caseworker, analyst):
    from kintrace.registry.services import regions_ensure_loaded

    regions_ensure_loaded()
    user, client = caseworker
    page = client.post(reverse("extraction:paste"), {"text": FACILITY_TEXT, "lang": "auto"})
    html = page.content.decode()
    assert 'class="fact fact-facilities"' in html
    assert 'action="/extraction/accept/facility/"' in html
    assert 'value="RU-MO" selected' in html  # the region the sentence names is preselected
    person = person_create(name="Петров Иван", actor=user)
    form = {"type": "ИК", "number": "17", "region": "RU-MO", "person": person.pk}
    assert analyst.post(reverse("extraction:accept_facility"), form).status_code == 403
    person.refresh_from_db()
    assert person.last_facility_id is None
    response = client.post(reverse("extraction:accept_facility"), form)
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:person", kwargs={"pk": person.pk})
    person.refresh_from_db()
    assert str(person.last_facility.number) == "17" and person.last_facility.region_id == "RU-MO"


def test_a_facility_fact_is_accepted_for_a_case_given_by_its_number_alone(caseworker):
    from kintrace.cases.services import case_open
    from kintrace.registry.services import regions_ensure_loaded

    regions_ensure_loaded()
    user, client = caseworker
    person = person_create(name="Петров Иван", actor=user)
    case, _created = case_open(person=person, actor=user)
    form = {"type": "ИК", "number": "17", "region": "RU-MO", "case": case.pk}  # no person
    response = client.post(reverse("extraction:accept_facility"), form)
    assert response.status_code == 302
    person.refresh_from_db()
    assert str(person.last_facility.number) == "17"


def test_accepting_a_facility_for_neither_a_person_nor_a_case_writes_nothing(caseworker):
    _user, client = caseworker
    entries = AuditEntry.objects.count()
    response = client.post(reverse("extraction:accept_facility"), {"type": "ИК", "number": "17"})
    assert response.status_code == 400
    assert AuditEntry.objects.count() == entries


def test_a_name_searched_on_the_page_offers_the_persons_found_instead_of_a_number(caseworker):
    user, client = caseworker
    petrov = person_create(name="Петров Иван Сергеевич", actor=user)
    person_create(name="Сидоров Олег", actor=user)
    page = client.post(
        reverse("extraction:paste"), {"text": TEXT, "lang": "auto", "who": "Петров Иван"}
    ).content.decode()
    assert f'<option value="{petrov.pk}">Петров Иван Сергеевич — №{petrov.pk}</option>' in page
    assert "Сидоров" not in page
    nobody = client.post(
        reverse("extraction:paste"), {"text": TEXT, "lang": "auto", "who": "Кузнецова Анна"}
    ).content.decode()
    assert 'id="people-found"' in nobody
    assert f'<option value="{petrov.pk}">' not in nobody


def test_a_sources_page_searches_a_name_by_a_plain_get_form(caseworker, analyst):
    user, client = caseworker
    source = article_source_create(
        kind="media_article", title="Заметка", reliability="C", credibility=3,
        text=TEXT, actor=user,
    )  # fmt: skip
    petrov = person_create(name="Петров Иван Сергеевич", actor=user)
    url = reverse("extraction:source_text", kwargs={"pk": source.pk})
    page = client.get(url, {"who": "Петров"}).content.decode()
    assert 'id="find-person"' in page and 'method="get"' in page
    assert f'<option value="{petrov.pk}">' in page
    assert "who=%D0%9F" in page  # a dismissal keeps the search
    assert analyst.get(url, {"who": "Петров"}).status_code == 403

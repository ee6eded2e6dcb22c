"""Pages of the record-keeping workflows: the likely-duplicate warning, a merged person's
read-only page, delete with confirmation and restore, choosing an ambiguous facility, and
conflicting evidence; each refused to those who must not use it."""

import pytest
from django.test import Client
from django.urls import reverse

from kintrace.audit.models import AuditEntry
from kintrace.names.dates import parse_date
from kintrace.registry import services
from kintrace.registry.models import (
    ConflictState,
    Event,
    EventDeletion,
    Person,
    PersonDistinct,
    PersonStatus,
    Region,
    StatusConflict,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ivanov(alice):
    return services.person_create(
        name="Иванов Александр Сергеевич", actor=alice, birth=parse_date("14.03.1987")
    )


@pytest.fixture
def coordinator(make_staff, login):
    return login(make_staff("coordinator", username="cora"), Client())


# --- item 4: likely duplicates --------------------------------------------------------------


def test_adding_the_same_name_and_birth_date_warns_and_saves_nothing(ivanov, alice, login):
    c = login(alice)
    response = c.post(
        reverse("registry:person_create"),
        {"name": "Иванов Александр Сергеевич", "birth": "14.03.1987", "sex": "m"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-likely="{ivanov.pk}"' in body
    assert reverse("registry:person", kwargs={"pk": ivanov.pk}) in body
    assert Person.objects.count() == 1


def test_saying_he_is_a_different_man_saves_him_and_records_the_choice(ivanov, alice, login):
    c = login(alice)
    response = c.post(
        reverse("registry:person_create"),
        {
            "name": "Иванов Александр Сергеевич",
            "birth": "14.03.1987",
            "sex": "m",
            "different_from": [str(ivanov.pk)],
        },
    )
    assert response.status_code == 302
    new = Person.objects.exclude(pk=ivanov.pk).get()
    assert response["Location"] == reverse("registry:person", kwargs={"pk": new.pk})
    assert PersonDistinct.objects.filter(person_a=ivanov, person_b=new).exists()
    assert AuditEntry.objects.filter(action="person.distinct", actor=alice).exists()


def test_a_different_man_ticked_for_someone_not_shown_does_not_skip_the_warning(
    ivanov, alice, login
):
    other = services.person_create(name="Петров Пётр", actor=alice)
    response = login(alice).post(
        reverse("registry:person_create"),
        {
            "name": "Иванов Александр Сергеевич",
            "birth": "14.03.1987",
            "different_from": [str(other.pk), "junk"],
        },
    )
    assert response.status_code == 200
    assert Person.objects.count() == 2


def test_a_man_nobody_resembles_is_saved_at_once(ivanov, alice, login):
    response = login(alice).post(
        reverse("registry:person_create"), {"name": "Сидоров Василий Иванович", "birth": "1979"}
    )
    assert response.status_code == 302
    assert not PersonDistinct.objects.exists()


# --- item 5: merged persons read-only -------------------------------------------------------


@pytest.fixture
def merged(ivanov, alice):
    from kintrace.lists.services import persons_merge

    twin = services.person_create(name="Иванов А. С.", actor=alice)
    persons_merge(survivor=ivanov, merged=twin, actor=alice)
    return twin


def test_a_merged_person_page_says_where_he_went_and_offers_no_writes(merged, ivanov, alice, login):
    body = login(alice).get(reverse("registry:person", kwargs={"pk": merged.pk})).content.decode()
    assert f'data-merged-into="{ivanov.pk}"' in body
    assert reverse("registry:person", kwargs={"pk": ivanov.pk}) in body
    for name in ("event_create", "person_edit", "person_name_add"):
        kwargs = {"person_pk": merged.pk} if name == "event_create" else {"pk": merged.pk}
        assert reverse(f"registry:{name}", kwargs=kwargs) not in body, name


def test_writes_to_a_merged_person_are_refused_with_a_message_and_nothing_stored(
    merged, ivanov, alice, login
):
    c = login(alice)
    posts = [
        ("registry:event_create", {"person_pk": merged.pk}, {"type": "wounded", "role": "subject"}),
        ("registry:person_name_add", {"pk": merged.pk}, {"text": "Ivanov Sasha"}),
        ("registry:person_edit", {"pk": merged.pk}, {"call_sign": "Граф"}),
    ]
    for name, kwargs, data in posts:
        response = c.post(reverse(name, kwargs=kwargs), data, follow=True)
        assert response.redirect_chain[0][0] == reverse(
            "registry:person", kwargs={"pk": merged.pk}
        ), name
        assert f"#{ivanov.pk}" in response.content.decode()
    merged.refresh_from_db()
    assert merged.call_sign == "" and not merged.names.exists()
    assert not Event.objects.exists()


# --- item 6: delete with confirmation, restore ----------------------------------------------


@pytest.fixture
def event(ivanov, alice, strong_source):
    return services.event_create(
        type="wounded",
        start=parse_date("14.05.2023"),
        actor=alice,
        persons=[ivanov],
        citations=[(strong_source, "Ранен")],
    )


def test_delete_asks_first_then_deletes_and_the_history_offers_restore(event, ivanov, coordinator):
    url = reverse("registry:event_delete", kwargs={"pk": event.pk}) + f"?person={ivanov.pk}"
    page = coordinator.get(url)
    assert page.status_code == 200
    assert "Ранен" in page.content.decode() and Event.objects.filter(pk=event.pk).exists()
    response = coordinator.post(url, {"person": ivanov.pk, "reason": "внесено дважды"})
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:person", kwargs={"pk": ivanov.pk})
    assert not Event.objects.filter(pk=event.pk).exists()
    deletion = EventDeletion.objects.get()
    body = coordinator.get(response["Location"]).content.decode()
    assert f'data-deletion="{deletion.pk}"' in body and "внесено дважды" in body
    restore = coordinator.post(
        reverse("registry:event_restore", kwargs={"pk": deletion.pk}), {"person": ivanov.pk}
    )
    assert restore.status_code == 302
    assert Event.objects.filter(pk=event.pk).exists()


def test_delete_and_restore_are_refused_to_caseworkers_analysts_and_anonymous(
    event, ivanov, alice, make_staff, login, client
):
    confirm = reverse("registry:event_delete", kwargs={"pk": event.pk})
    assert login(alice, Client()).get(confirm).status_code == 403  # not even the question
    assert Client().get(confirm).status_code == 302
    deletion = services.event_delete(event=event, actor=alice)
    urls = [reverse("registry:event_restore", kwargs={"pk": deletion.pk})]
    for c in (login(alice, Client()), login(make_staff("analyst"), Client())):
        for url in urls:
            assert c.post(url).status_code == 403
    for url in urls:
        assert client.post(url).status_code == 302  # to the login page
        assert not Event.objects.filter(pk=deletion.event_id).exists()


# --- item 7: ambiguous facility ---------------------------------------------------------


def test_the_person_page_offers_the_candidate_facilities_and_the_choice_is_saved(
    alice, regions, login
):
    perm = services.facility_create(
        type="ИК", number="6", actor=alice, region=Region.objects.get(code="RU-PER")
    )
    sverd = services.facility_create(
        type="ИК", number="6", actor=alice, region=Region.objects.get(code="RU-SVE")
    )
    person = services.person_create(name="Сидоров Василий", actor=alice, last_facility_text="ИК-6")
    c = login(alice)
    body = c.get(reverse("registry:person", kwargs={"pk": person.pk})).content.decode()
    assert f'value="{perm.pk}"' in body and f'value="{sverd.pk}"' in body
    url = reverse("registry:facility_resolve", kwargs={"pk": person.pk})
    other = services.facility_create(type="ИК", number="9", actor=alice)
    assert c.post(url, {"facility": other.pk}).status_code == 302  # not one offered: refused
    person.refresh_from_db()
    assert person.last_facility is None
    assert c.post(url, {"facility": sverd.pk}).status_code == 302
    person.refresh_from_db()
    assert (person.last_facility, person.last_facility_text) == (sverd, "")


def test_choosing_a_facility_is_refused_to_an_analyst_and_anonymous(
    alice, make_staff, login, client
):
    person = services.person_create(name="Сидоров Василий", actor=alice, last_facility_text="ИК-6")
    url = reverse("registry:facility_resolve", kwargs={"pk": person.pk})
    assert login(make_staff("analyst")).post(url, {}).status_code == 403
    assert Client().post(url, {}).status_code == 302


# --- item 10: conflicting evidence --------------------------------------------------------


@pytest.fixture
def conflict(ivanov, alice, strong_source):
    services.event_create(
        type="killed",
        start=parse_date("10.05.2023"),
        actor=alice,
        persons=[ivanov],
        citations=[strong_source],
    )
    services.event_create(
        type="hospitalised",
        start=parse_date("02.06.2023"),
        actor=alice,
        persons=[ivanov],
        citations=[strong_source],
    )
    return StatusConflict.objects.get()


def test_the_conflict_shows_on_the_person_and_in_the_queue(conflict, ivanov, alice, login):
    c = login(alice)
    for url in (
        reverse("registry:person", kwargs={"pk": ivanov.pk}),
        reverse("registry:conflicts"),
    ):
        body = c.get(url).content.decode()
        assert f'data-conflict="{conflict.pk}"' in body, url
        # a caseworker sees it but the decision is a coordinator's
        assert reverse("registry:conflict_resolve", kwargs={"pk": conflict.pk}) not in body


def test_a_coordinator_decides_the_conflict_from_the_queue(conflict, ivanov, coordinator):
    response = coordinator.post(
        reverse("registry:conflict_resolve", kwargs={"pk": conflict.pk}),
        {"state": "alive_after", "note": "звонил", "back": "queue"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("registry:conflicts")
    conflict.refresh_from_db()
    ivanov.refresh_from_db()
    assert conflict.state == ConflictState.ALIVE_AFTER
    assert ivanov.status == PersonStatus.WOUNDED


def test_deciding_a_conflict_is_refused_to_caseworkers_analysts_and_anonymous(
    conflict, alice, make_staff, login
):
    url = reverse("registry:conflict_resolve", kwargs={"pk": conflict.pk})
    for c in (login(alice, Client()), login(make_staff("analyst"), Client())):
        assert c.post(url, {"state": "alive_after"}).status_code == 403
    assert Client().post(url, {"state": "alive_after"}).status_code == 302
    assert (
        login(make_staff("analyst"), Client()).get(reverse("registry:conflicts")).status_code == 403
    )
    anonymous = Client().get(reverse("registry:conflicts"))
    assert anonymous.status_code == 302 and reverse("accounts:login") in anonymous["Location"]
    conflict.refresh_from_db()
    assert conflict.state == ConflictState.OPEN

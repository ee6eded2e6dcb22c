"""Record keeping in a real browser, in Russian and in English, with JavaScript off where a
phone might have it off: the likely-duplicate warning, a merged person's read-only page,
deleting an event (asked first) and restoring it, choosing an ambiguous facility, deciding
conflicting evidence, deleting a list that was never imported, and a failed duplicate search
that says so."""

import pytest

from tests.e2e.conftest import totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PASSWORD = "correct horse battery staple"

TEXT = {
    "ru": {
        "likely": "Возможно, он уже есть в реестре",
        "different": "Это другой человек",
        "save": "Сохранить",
        "read_only": "только для чтения",
        "delete_q": "Удалить это событие?",
        "delete": "Удалить событие",
        "history": "История: удалённые события",
        "restore": "Восстановить",
        "restored": "Событие восстановлено.",
        "which": "пока неясно, какое именно",
        "set": "Указать учреждение",
        "conflict": "Противоречивые сведения",
        "decide": "Решить",
        "list_q": "Удалить этот список?",
        "list_delete": "Удалить список",
        "dedupe_failed": "завершился ошибкой",
    },
    "en": {
        "likely": "He may be in the registry already",
        "different": "This is a different man",
        "save": "Save",
        "read_only": "read-only",
        "delete_q": "Delete this event?",
        "delete": "Delete the event",
        "history": "History: deleted events",
        "restore": "Restore",
        "restored": "The event was restored.",
        "which": "not yet clear which one",
        "set": "Set the facility",
        "conflict": "Conflicting evidence",
        "decide": "Decide",
        "list_q": "Delete this list?",
        "list_delete": "Delete the list",
        "dedupe_failed": "search failed",
    },
}
LOCALES = {"ru": "ru-RU", "en": "en-US"}


@pytest.fixture(params=["ru", "en"])
def lang(request):
    return request.param


@pytest.fixture
def staff_page(browser_context, live_server, transactional_db, lang):
    """A coordinator logged in (password, then a real TOTP code), on a 360 px phone with
    JavaScript off, in the language under test."""
    from kintrace.accounts.models import TOTPDevice, User

    user = User.objects.create_user("nadia", password=PASSWORD, role="coordinator")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page = browser_context(
        locale=LOCALES[lang], java_script_enabled=False, viewport={"width": 360, "height": 740}
    ).new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "nadia")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.fill("input[name=token]", totp_code(device))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    return page, user


def _main(page) -> str:
    return page.locator("main").inner_text()


def test_a_second_record_of_the_same_man_is_warned_about_and_saved_only_as_another_man(
    staff_page, live_server, lang
):
    from kintrace.names.dates import parse_date
    from kintrace.registry.models import Person, PersonDistinct
    from kintrace.registry.services import person_create

    page, user = staff_page
    ivanov = person_create(
        name="Иванов Александр Сергеевич", birth=parse_date("14.03.1987"), actor=user
    )
    page.goto(live_server.url + "/registry/persons/new/")
    page.fill("#id_name", "ИВАНОВ Александр Сергеевич")
    page.fill("#id_birth", "14.03.1987")
    page.locator("main form button[type=submit]").click()
    assert TEXT[lang]["likely"] in _main(page)
    assert Person.objects.count() == 1  # nothing saved yet
    assert (
        page.locator(f"[data-likely='{ivanov.pk}'] a.name").get_attribute("href")
        == f"/registry/persons/{ivanov.pk}/"
    )  # "it is him": open his record instead
    page.get_by_label(TEXT[lang]["different"]).check()
    page.get_by_role("button", name=TEXT[lang]["save"]).click()
    new = Person.objects.exclude(pk=ivanov.pk).get()
    assert page.url.endswith(f"/registry/persons/{new.pk}/")
    assert PersonDistinct.objects.filter(person_a=ivanov, person_b=new).exists()


def test_a_merged_person_is_read_only_and_leads_to_the_one_he_was_merged_into(
    staff_page, live_server, lang
):
    from kintrace.lists.services import persons_merge
    from kintrace.registry.services import person_create

    page, user = staff_page
    survivor = person_create(name="Иванов Александр Сергеевич", actor=user)
    merged = person_create(name="Иванов А. С.", actor=user)
    persons_merge(survivor=survivor, merged=merged, actor=user)
    page.goto(live_server.url + f"/registry/persons/{merged.pk}/")
    assert TEXT[lang]["read_only"] in _main(page)
    assert page.locator(f"main a[href$='/persons/{merged.pk}/events/new/']").count() == 0
    assert page.locator(f"main form[action$='/persons/{merged.pk}/names/']").count() == 0
    # Typing the add-event address anyway is refused, with the way to the survivor.
    page.goto(live_server.url + f"/registry/persons/{merged.pk}/events/new/")
    assert f"#{survivor.pk}" in _main(page)
    page.locator(f"[data-merged-into] a[href$='/persons/{survivor.pk}/']").click()
    assert page.url.endswith(f"/registry/persons/{survivor.pk}/")


def test_deleting_an_event_asks_first_and_the_history_restores_it(staff_page, live_server, lang):
    from kintrace.names.dates import parse_date
    from kintrace.registry.models import Event
    from kintrace.registry.services import event_create, person_create, source_create

    page, user = staff_page
    person = person_create(name="Петров Пётр Петрович", actor=user)
    source = source_create(
        kind="official_list", title="ВГ Ростов", reliability="B", credibility=2, actor=user
    )
    event = event_create(
        type="hospitalised",
        start=parse_date("12.11.2023"),
        actor=user,
        persons=[person],
        citations=[(source, "Петров П.П.")],
    )
    page.goto(live_server.url + f"/registry/persons/{person.pk}/")
    page.locator(f"main a[href*='/events/{event.pk}/delete/']").click()
    assert TEXT[lang]["delete_q"] in _main(page)
    assert "Петров П.П." in _main(page)  # what is about to go, with its quote
    assert Event.objects.filter(pk=event.pk).exists()  # asking deleted nothing
    page.fill("#id_reason", "внесено дважды")
    page.get_by_role("button", name=TEXT[lang]["delete"]).click()
    assert page.url.endswith(f"/registry/persons/{person.pk}/")
    assert not Event.objects.filter(pk=event.pk).exists()
    history = page.locator("ul.history").inner_text()
    assert "внесено дважды" in history and "nadia" in history
    assert TEXT[lang]["history"] in _main(page)
    page.get_by_role("button", name=TEXT[lang]["restore"]).click()
    assert TEXT[lang]["restored"] in page.content()
    assert "12.11.2023" in page.locator("ol.timeline").inner_text()
    assert Event.objects.get(pk=event.pk).citations.get().quote == "Петров П.П."


def test_an_ambiguous_facility_is_chosen_and_conflicting_evidence_decided(
    staff_page, live_server, lang
):
    from kintrace.names.dates import parse_date
    from kintrace.registry.models import PersonStatus, Region
    from kintrace.registry.services import (
        event_create,
        facility_create,
        person_create,
        regions_ensure_loaded,
        source_create,
    )

    page, user = staff_page
    regions_ensure_loaded()
    facility_create(type="ИК", number="6", actor=user, region=Region.objects.get(code="RU-PER"))
    sverd = facility_create(
        type="ИК", number="6", actor=user, region=Region.objects.get(code="RU-SVE")
    )
    person = person_create(name="Сидоров Василий Иванович", actor=user, last_facility_text="ИК-6")
    strong = source_create(
        kind="official_list", title="Некролог", reliability="B", credibility=2, actor=user
    )
    event_create(
        type="killed",
        start=parse_date("10.05.2023"),
        actor=user,
        persons=[person],
        citations=[strong],
    )
    event_create(
        type="hospitalised",
        start=parse_date("02.06.2023"),
        actor=user,
        persons=[person],
        citations=[strong],
    )

    page.goto(live_server.url + f"/registry/persons/{person.pk}/")
    assert TEXT[lang]["which"] in _main(page)
    page.locator(f"input[name=facility][value='{sverd.pk}']").check()
    page.get_by_role("button", name=TEXT[lang]["set"]).click()
    person.refresh_from_db()
    assert person.last_facility == sverd

    assert TEXT[lang]["conflict"] in _main(page)
    person.refresh_from_db()
    assert person.status == PersonStatus.DEAD  # the hospital list did not overturn it
    page.locator("input[name=state][value=alive_after]").check()
    page.get_by_role("button", name=TEXT[lang]["decide"]).click()
    person.refresh_from_db()
    assert person.status == PersonStatus.WOUNDED
    assert page.locator("[data-conflict]").count() == 0


def test_a_list_never_imported_is_deleted_and_a_failed_duplicate_search_says_so(
    staff_page, live_server, lang
):
    from kintrace.lists.models import JobStatus, MatchRun, PersonList
    from kintrace.lists.services import list_upload

    page, user = staff_page
    pl, _table = list_upload(
        data="ФИО;Дата\nИванов Иван;1990\n".encode(),
        kind="hospital",
        title="Черновик списка",
        filename="l.csv",
        actor=user,
    )
    page.goto(live_server.url + "/lists/")
    page.locator(f"main a[href$='/lists/{pl.pk}/delete/']").click()
    assert TEXT[lang]["list_q"] in _main(page)
    page.get_by_role("button", name=TEXT[lang]["list_delete"]).click()
    assert page.url.endswith("/lists/")
    assert not PersonList.objects.filter(pk=pl.pk).exists()

    MatchRun.objects.create(
        threshold=0.8, status=JobStatus.FAILED, created_by=user, error="Binder Error"
    )
    page.goto(live_server.url + "/lists/duplicates/")
    assert TEXT[lang]["dedupe_failed"] in _main(page)

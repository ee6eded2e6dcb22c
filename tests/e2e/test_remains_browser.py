"""A caseworker records a grave with a token number and a tattoo; the matching proposes the
missing man with its reasons; she records the identification on the basis of DNA; a second
person confirms it, and the man's status becomes dead with the basis cited."""

import pytest

from tests.e2e.conftest import totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PASSWORD = "correct horse battery staple"


def log_in(context, live_server, username, device, next_path):
    page = context.new_page()
    page.goto(live_server.url + next_path)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/two-factor/**")
    page.fill("input[name=token]", totp_code(device))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    if "/accounts/" in page.url:
        page.goto(live_server.url + next_path)
    return page


def test_a_grave_is_matched_identified_and_confirmed_by_a_second_person(
    browser_context, live_server, transactional_db
):
    from kintrace.accounts.models import TOTPDevice, User
    from kintrace.names.dates import parse_date
    from kintrace.registry.models import EventType, Person, PersonStatus
    from kintrace.registry.services import event_create, person_create, source_create
    from kintrace.remains.models import Remains
    from kintrace.remains.services import antemortem_save

    katya = User.objects.create_user("katya", password=PASSWORD, role="caseworker")
    oleg = User.objects.create_user("oleg", password=PASSWORD, role="coordinator")
    devices = {
        u: TOTPDevice.objects.create(user=u, name="phone", confirmed=True) for u in (katya, oleg)
    }
    mother = source_create(
        kind="relative_report", title="Мать", actor=katya, reliability="B", credibility=2
    )
    him = person_create(
        name="Смирнов Олег Павлович",
        birth=parse_date("1985"),
        token_number="К-21-0345",
        actor=katya,
    )
    event_create(
        type=EventType.MISSING,
        start=parse_date("03.2023"),
        persons=[him],
        citations=[mother],
        actor=katya,
    )
    antemortem_save(
        person=him,
        actor=katya,
        tattoos=[
            {"location": "левое предплечье", "text": "Не забуду мать родную", "image": "роза"}
        ],
    )
    other = person_create(
        name="Орлов Пётр", birth=parse_date("1990"), token_number="К-44-1111", actor=katya
    )
    event_create(
        type=EventType.MISSING,
        start=parse_date("03.2023"),
        persons=[other],
        citations=[mother],
        actor=katya,
    )
    source_create(
        kind="official_list",
        title="Кладбище Богучар, фото табличек",
        actor=katya,
        reliability="C",
        credibility=3,
    )

    errors = []
    page = log_in(
        browser_context(locale="ru-RU"), live_server, "katya", devices[katya], "/remains/"
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.locator("a[href$='/remains/new/']").first.click()
    page.select_option("#id_kind", "grave")
    page.fill("#id_found", "05.2023")
    page.fill("#id_cemetery", "Богучар, участок 4")
    page.fill("#id_token_text", "К 21 0345")
    page.fill("#id_tattoos", "предплечье слева | не забуду мать родную | цветок")
    page.fill("#id_source", "Кладбище Богучар, фото табличек")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/remains/*/")
    grave = Remains.objects.get()
    assert page.url.endswith(f"/remains/{grave.pk}/")

    page.locator("#run-match").click()
    page.wait_for_load_state()
    first = page.locator("[data-candidate]").first
    assert first.get_attribute("data-person") == str(him.pk)
    reasons = first.locator("table.reasons").inner_text()
    assert "К 21 0345" in reasons and "не забуду мать родную" in reasons
    assert page.locator(f"[data-person='{other.pk}']").count() == 0

    first.locator("input[value=identified]").check()
    first.locator("select[name=basis]").select_option("dna")
    first.locator("textarea[name=note]").fill("ДНК матери совпала, заключение №17")
    first.locator("form.decide button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[data-candidate]").first.get_attribute("data-state") == "identified"
    page.locator("button.confirm").click()  # the same person: refused
    page.wait_for_load_state()
    assert page.locator(".messages .msg-error").is_visible()
    him.refresh_from_db()
    assert him.status == PersonStatus.MISSING

    second = log_in(
        browser_context(locale="ru-RU"), live_server, "oleg", devices[oleg], f"/remains/{grave.pk}/"
    )
    second.on("pageerror", lambda e: errors.append(str(e)))
    second.locator("button.confirm").click()
    second.wait_for_load_state()
    assert second.locator("[data-candidate]").first.get_attribute("data-state") == "confirmed"
    assert (
        second.locator("[data-remains-status]").get_attribute("data-remains-status") == "identified"
    )

    second.goto(f"{live_server.url}/registry/persons/{him.pk}/")
    him = Person.objects.get(pk=him.pk)
    assert him.status == PersonStatus.DEAD
    timeline = second.locator(".timeline").inner_text()
    assert "ДНК" in timeline and "Богучар" in timeline
    assert not errors

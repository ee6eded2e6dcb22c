"""A caseworker logs in (password + TOTP), imports a hospital list, matches it, and reviews
the matches with the keyboard: confirm one, reject another; the confirmed one is on the
man's timeline."""

import pytest

from tests.e2e.conftest import totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PASSWORD = "correct horse battery staple"
HOSPITAL_CSV = (
    "ФИО;Дата рождения;Учреждение;Дата поступления;Госпиталь\n"
    "Иванов Александр Сергеевич;14.03.1987;ИК-17;02.05.2023;ВГ Ростов-на-Дону\n"
    "Петров Пётр Петрович;1990;ИК-2;03.05.2023;ВГ Ростов-на-Дону\n"
)


@pytest.fixture
def browser_page(browser_context):
    return browser_context(locale="ru-RU").new_page()


def test_review_session_with_keyboard_shortcuts(
    browser_page, live_server, transactional_db, tmp_path
):
    from kintrace.accounts.models import TOTPDevice, User
    from kintrace.lists.models import Decision, MatchCandidate
    from kintrace.names.dates import parse_date
    from kintrace.registry.services import person_create

    user = User.objects.create_user("katya", password=PASSWORD, role="caseworker")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    ivanov = person_create(
        name="Иванов Александр Сергеевич", birth=parse_date("14.03.1987"), actor=user
    )
    petrov = person_create(name="Петров Пётр Петрович", birth=parse_date("1990"), actor=user)
    listfile = tmp_path / "hospital.csv"
    listfile.write_bytes(HOSPITAL_CSV.encode("cp1251"))
    page = browser_page
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(live_server.url + "/lists/")
    page.fill("input[name=username]", "katya")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/two-factor/**")
    page.fill("input[name=token]", totp_code(device))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    if "/accounts/" in page.url:  # a first login may owe a password change
        page.goto(live_server.url + "/lists/")
    assert page.url.endswith("/lists/")

    page.goto(live_server.url + "/lists/upload/")
    page.set_input_files("#id_file", str(listfile))
    page.select_option("#id_kind", "hospital")
    page.fill("#id_title", "ВГ Ростов, май 2023")
    page.select_option("#id_reliability", "B")
    page.locator("main form button[type=submit]").click()
    assert "Иванов Александр Сергеевич" in page.content()  # the preview
    assert page.locator("#id_name").input_value() == "0"
    page.locator("main form[action$='/import/'] button[type=submit]").click()
    page.locator("main form[action$='/match/'] button[type=submit]").click()
    page.wait_for_url("**/review/**")

    first = MatchCandidate.objects.order_by("-probability", "id").first()
    assert page.locator("[data-candidate]").get_attribute("data-candidate") == str(first.pk)
    with page.expect_navigation():
        page.keyboard.press("c")  # confirm: review.js submits the form
    second = (
        MatchCandidate.objects.filter(decision=Decision.OPEN).order_by("-probability", "id").first()
    )
    assert page.locator("[data-candidate]").get_attribute("data-candidate") == str(second.pk)
    with page.expect_navigation():
        page.keyboard.press("r")  # not him

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.decision, second.decision) == (Decision.CONFIRMED, Decision.REJECTED)
    assert {first.person_id, second.person_id} <= {ivanov.pk, petrov.pk}
    page.goto(f"{live_server.url}/registry/persons/{first.person_id}/")
    assert "ВГ Ростов, май 2023" in page.content()
    assert "ВГ Ростов-на-Дону" in page.content()
    assert errors == []

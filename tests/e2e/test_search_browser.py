"""In a real browser, Russian and English: a caseworker finds a man by a misspelt surname and a
birth year and reads why; filters the person list with the page's own form (no script); prints
a person's file without the menu or buttons; picks a source by typing; and links a report to a
man the matching engine did not propose, found by his call sign."""

import pytest

from tests.e2e.conftest import totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def log_in(page, live_server, user, device, password):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").first.click()
    page.fill("input[name=token]", totp_code(device))
    page.locator("main form button[type=submit]").first.click()


@pytest.fixture
def registry(transactional_db):
    from kintrace.names.dates import parse_date
    from kintrace.registry import services

    colony = services.facility_create(type="ИК", number="17", actor=None)
    ivanov = services.person_create(
        name="Иванов Иван Петрович",
        birth=parse_date("1985"),
        last_facility=colony,
        call_sign="Гром",
        actor=None,
    )
    services.person_create(name="Иванов Иван Сергеевич", birth=parse_date("1990"), actor=None)
    services.person_create(name="Петров Николай", birth=parse_date("1970"), actor=None)
    source = services.source_create(
        kind="official_list",
        title="Список раненых, госпиталь 1",
        reliability="B",
        credibility=2,
        actor=None,
    )
    return {"ivanov": ivanov, "colony": colony, "source": source}


@pytest.fixture
def caseworker(transactional_db):
    from kintrace.accounts.models import TOTPDevice
    from kintrace.security.testing import TEST_PASSWORD, staff_with_key

    user = staff_with_key("caseworker", username="olga")
    return user, TOTPDevice.objects.create(user=user, name="phone", confirmed=True), TEST_PASSWORD


@pytest.mark.parametrize(
    ("locale", "reason", "year"),
    [
        ("ru-RU", "фамилия: отличается одна буква", "год рождения 1985"),
        ("en-GB", "surname: one letter off", "birth year 1985"),
    ],
)
def test_a_misspelt_surname_and_a_year_find_him_first_and_say_why(
    browser_context, live_server, registry, caseworker, locale, reason, year
):
    page = browser_context(locale=locale).new_page()
    log_in(page, live_server, *caseworker)
    page.goto(live_server.url + "/registry/")
    page.fill("input[name=q]", "Иваноф 1985")
    page.locator("form[role=search] button[type=submit]").click()
    first = page.locator("ul.results > li").first
    assert "Иванов Иван Петрович" in first.inner_text()
    why = first.locator(".why").inner_text()
    assert reason in why and year in why


def test_a_long_pasted_message_gets_results_not_a_blank_page(
    browser_context, live_server, registry, caseworker
):
    page = browser_context(locale="en-GB").new_page()
    log_in(page, live_server, *caseworker)
    page.goto(live_server.url + "/registry/")
    message = (
        "Hello, I am looking for my brother Иванов Иван Петрович, born 1985, he was "
        "in ИК-17 and left with the recruiters last summer. "
    ) * 25
    page.fill("input[name=q]", message)
    page.locator("form[role=search] button[type=submit]").click()
    assert "Иванов Иван Петрович" in page.locator("ul.results > li").first.inner_text()
    assert "were not read" in page.locator("main").inner_text()


def test_the_person_list_is_filtered_and_ordered_with_its_own_form_without_script(
    browser_context, live_server, registry, caseworker
):
    page = browser_context(locale="ru-RU", java_script_enabled=False).new_page()
    log_in(page, live_server, *caseworker)
    page.goto(live_server.url + "/registry/persons/")
    page.fill("input[name=born]", "1990")
    page.select_option("select[name=sort]", "name")
    page.get_by_role("button", name="Показать").click()
    assert "born=1990" in page.url and "sort=name" in page.url
    names = page.locator("ul.results a.name").all_inner_texts()
    assert names == ["Иванов Иван Сергеевич"]


def test_a_persons_file_prints_without_the_menu_or_buttons(
    browser_context, live_server, registry, caseworker
):
    page = browser_context(locale="ru-RU").new_page()
    log_in(page, live_server, *caseworker)
    page.goto(f"{live_server.url}/registry/persons/{registry['ivanov'].pk}/")
    assert page.locator("header.top").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    assert not page.locator("main .btn").first.is_visible()
    assert not page.locator("main form").first.is_visible()
    assert page.locator("h1").inner_text() == "Иванов Иван Петрович"
    assert page.locator("dl.facts").first.is_visible()
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF")


def test_a_source_is_picked_by_typing_part_of_its_title(
    browser_context, live_server, registry, caseworker
):
    from kintrace.registry.models import Citation

    page = browser_context(locale="ru-RU").new_page()
    log_in(page, live_server, *caseworker)
    page.goto(f"{live_server.url}/registry/persons/{registry['ivanov'].pk}/events/new/")
    picker = page.locator("input[name=source]")
    assert picker.get_attribute("list")
    options = page.locator(f"datalist#{picker.get_attribute('list')} option")
    label = options.first.get_attribute("value")
    assert label.startswith("Список раненых, госпиталь 1 [B2] #")
    page.select_option("select[name=type]", "wounded")
    page.fill("input[name=start]", "2023")
    picker.fill(label)
    page.locator("main form button[type=submit]").first.click()
    assert f"/registry/persons/{registry['ivanov'].pk}/" in page.url
    assert Citation.objects.get().source == registry["source"]


def test_triage_links_a_report_to_a_man_found_by_his_call_sign(
    browser_context, live_server, registry, caseworker
):
    from kintrace.intake.models import Report
    from kintrace.registry.models import Person
    from tests.intake.helpers import make_report

    # The mother writes the name as she heard it; the engine proposes nobody for it.
    report, _receipt = make_report(subject_name="Жданов Фёдор", message="Позывной у него Гром.")
    page = browser_context(locale="ru-RU").new_page()
    log_in(page, live_server, *caseworker)
    page.goto(f"{live_server.url}/report/triage/{report.pk}/")
    page.fill("input[name=q]", "гром")
    page.get_by_role("button", name="Искать в реестре").click()
    choice = page.locator(f"fieldset.found input[name=person][value='{registry['ivanov'].pk}']")
    assert "позывной «Гром»" in page.locator("fieldset.found").inner_text()
    persons_before = Person.objects.count()
    choice.check()
    page.get_by_role("button", name="Привязать и открыть дело").click()
    report.refresh_from_db()
    assert report.status == Report.Status.LINKED and report.person_id == registry["ivanov"].pk
    assert Person.objects.count() == persons_before

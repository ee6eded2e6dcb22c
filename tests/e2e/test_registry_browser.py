"""A caseworker logs in (password, then a real TOTP code), searches in Latin for a man stored
in Cyrillic, and reads his timeline with its sources."""

import pytest

from tests.e2e.conftest import totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def page(browser_context):
    return browser_context(locale="ru-RU", viewport={"width": 1280, "height": 900}).new_page()


@pytest.fixture
def ivanov(transactional_db):
    from kintrace.names.dates import parse_date
    from kintrace.registry import services

    source = services.source_create(
        kind="media",
        title="Список раненых, госпиталь им. Бурденко",
        actor=None,
        reliability="B",
        credibility=2,
    )
    person = services.person_create(
        name="Иванов Александр Сергеевич", actor=None, birth=parse_date("14.03.1987")
    )
    services.event_create(
        type="selected",
        actor=None,
        start=parse_date("05.2023"),
        persons=[person],
        description="Подписал контракт в колонии",
    )
    services.event_create(
        type="hospitalised",
        actor=None,
        start=parse_date("12.11.2023"),
        persons=[person],
        citations=[(source, "Иванов А.С., 1987 г.р.")],
    )
    services.person_create(name="Петров Николай Иванович", actor=None)
    return person


def test_caseworker_finds_a_cyrillic_person_by_a_latin_query_and_reads_his_timeline(
    page, live_server, ivanov
):
    from kintrace.accounts.models import TOTPDevice, User

    user = User.objects.create_user("olga", password=PASSWORD, role="caseworker")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    page.goto(live_server.url + "/registry/")
    assert "/accounts/login/" in page.url  # an anonymous visitor is sent to log in
    page.fill("input[name=username]", "olga")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    assert "/accounts/two-factor/" in page.url
    page.fill("input[name=token]", totp_code(device))
    page.locator("main form button[type=submit]").first.click()

    page.goto(live_server.url + "/registry/?q=ivanov+sasha")
    results = page.locator("main a[href*='/registry/persons/']")
    assert results.count() >= 1
    assert "Иванов Александр Сергеевич" in results.first.inner_text()
    assert "Петров" not in page.locator("main").inner_text()
    results.first.click()

    body = page.locator("main").inner_text()
    assert "14.03.1987" in body  # the Russian date form: the browser asks for ru-RU
    assert "Список раненых, госпиталь им. Бурденко" in body  # the source behind the event
    assert "Иванов А.С., 1987 г.р." in body  # the quote
    # The timeline is in time order: selected (05.2023) before hospitalised (12.11.2023).
    timeline = page.locator("ol.timeline").inner_text()
    assert timeline.index("05.2023") < timeline.index("12.11.2023")


def test_an_analyst_who_logs_in_cannot_open_person_search(page, live_server, ivanov):
    from kintrace.accounts.models import TOTPDevice, User

    user = User.objects.create_user("ana", password=PASSWORD, role="analyst")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.fill("input[name=token]", totp_code(device))
    page.locator("main form button[type=submit]").first.click()
    response = page.goto(live_server.url + "/registry/?q=ivanov")
    assert response.status == 403
    assert "Иванов" not in page.content()

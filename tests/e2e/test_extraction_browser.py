"""A caseworker pastes a relative's message, sees the man's name marked, accepts it onto the
person it belongs to, and finds the name on his page."""

import pytest

from tests.e2e.conftest import totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PASSWORD = "correct horse battery staple"
MESSAGE = "Мой сын Петров Иван Сергеевич позвонил 10 июля 2023 года с нового номера."


def test_caseworker_pastes_a_message_accepts_the_name_and_sees_it_on_the_person(
    browser_context, live_server, transactional_db
):
    from kintrace.accounts.models import TOTPDevice, User
    from kintrace.registry.services import person_create

    person = person_create(name="Петров Иван", actor=None)
    user = User.objects.create_user("olga", password=PASSWORD, role="caseworker")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page = browser_context(locale="ru-RU", viewport={"width": 1280, "height": 900}).new_page()

    page.goto(live_server.url + "/extraction/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", "olga")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.fill("input[name=token]", totp_code(device))
    page.locator("main form button[type=submit]").first.click()

    page.goto(live_server.url + "/extraction/")
    page.fill("textarea[name=text]", MESSAGE)
    page.locator("#analyse button[type=submit]").click()
    mark = page.locator("mark.fact-persons")
    assert mark.first.inner_text() == "Петров Иван Сергеевич"

    accept = page.locator("form[action='/extraction/accept/name/']").first
    assert accept.locator("input[name=name]").input_value() == "Петров Иван Сергеевич"
    accept.locator("input[name=person]").fill(str(person.pk))
    accept.locator("button[type=submit]").click()

    assert page.url.endswith(f"/registry/persons/{person.pk}/")
    assert "Петров Иван Сергеевич" in page.locator("main").inner_text()

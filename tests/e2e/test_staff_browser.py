"""Staff in a real browser, in Russian and in English: a stranger cannot lock a caseworker out of
her own browser and an administrator unlocks the account; a new account gets a role chosen on
purpose and sees no menu before its first login is complete; error pages and the person page
lead somewhere."""

import re

import pytest

from tests.e2e.conftest import totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PASSWORD = "correct horse battery staple"

WORDS = {
    "ru": {
        "locale": "ru-RU",
        "locked": "Слишком много неудачных попыток",
        "new_browser": "из браузеров, в которых она ещё не входила",
        "locked_out": "заблокирована",
        "unlocked": "снова может войти",
        "manage": "Управлять",
        "unlock": "Разблокировать",
        "choose": "Выберите роль.",
        "caseworker": "Сотрудник по делам",
        "analyst_says": "Видит только числа",
        "not_found": "Страница не найдена",
        "back_form": "К форме сообщения",
        "case": "Дело №",
    },
    "en": {
        "locale": "en-US",
        "locked": "Too many failed logins",
        "new_browser": "from browsers it has not logged in with before",
        "locked_out": "locked out",
        "unlocked": "can log in again",
        "manage": "Manage",
        "unlock": "Unlock",
        "choose": "Choose a role.",
        "caseworker": "Caseworker",
        "analyst_says": "Sees numbers only",
        "not_found": "Page not found",
        "back_form": "Back to the report form",
        "case": "Case #",
    },
}


def staff(username, role):
    from kintrace.accounts.models import TOTPDevice, User

    user = User.objects.create_user(username, password=PASSWORD, role=role)
    return user, TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def submit(page):
    page.locator("main form button[type=submit]").first.click()


def log_in(page, url, username, password=PASSWORD, device=None):
    page.goto(url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    submit(page)
    if device is not None:
        page.fill("input[name=token]", totp_code(device))
        submit(page)


def log_out(page):
    page.locator("form.logout button").click()


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_stranger_cannot_lock_a_caseworker_out_of_her_browser_and_an_admin_unlocks(
    browser_context, live_server, transactional_db, lang
):
    from django.conf import settings

    w = WORDS[lang]
    url = live_server.url
    vera, vera_phone = staff("vera", "caseworker")
    _admin, admin_phone = staff("anna", "admin")
    hers = browser_context(locale=w["locale"]).new_page()
    log_in(hers, url, "vera", device=vera_phone)  # her browser now trusted
    assert "/registry/" in hers.url
    log_out(hers)

    stranger = browser_context(locale=w["locale"]).new_page()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(stranger, url, "vera", password="guess")
    log_in(stranger, url, "vera")  # even the right password
    body = stranger.locator("main").inner_text()
    assert w["locked"] in body and w["new_browser"] in body

    log_in(hers, url, "vera", device=vera_phone)
    assert "/registry/" in hers.url  # her own browser was never locked

    admin = browser_context(locale=w["locale"]).new_page()
    log_in(admin, url, "anna", device=admin_phone)
    admin.goto(url + "/accounts/staff/")
    row = admin.locator("tr", has_text="vera")
    assert w["locked_out"] in row.inner_text()
    row.get_by_role("link", name=w["manage"]).click()
    admin.get_by_role("button", name=w["unlock"]).click()
    assert w["unlocked"] in admin.locator(".messages").inner_text()

    log_in(stranger, url, "vera")
    assert "/accounts/two-factor/" in stranger.url


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_new_account_gets_a_chosen_role_and_no_menu_before_its_first_login_is_complete(
    browser_context, live_server, transactional_db, lang
):
    from kintrace.accounts.models import TOTPDevice

    w = WORDS[lang]
    url = live_server.url
    _admin, admin_phone = staff("anna", "admin")
    admin = browser_context(locale=w["locale"]).new_page()
    log_in(admin, url, "anna", device=admin_phone)
    admin.goto(url + "/accounts/staff/new/")
    assert admin.locator("input[type=radio]:checked").count() == 0
    assert w["analyst_says"] in admin.locator("main").inner_text()
    admin.fill("input[name=username]", "oleg")
    submit(admin)
    assert w["choose"] in admin.locator("main").inner_text()
    admin.get_by_label(w["caseworker"]).check()
    submit(admin)
    one_time = admin.locator("code.secret").inner_text().strip()

    oleg = browser_context(
        locale=w["locale"], viewport={"width": 360, "height": 740}, java_script_enabled=False
    ).new_page()
    log_in(oleg, url, "oleg", password=one_time)
    assert "/accounts/password/" in oleg.url
    assert oleg.locator("nav.main-nav").count() == 0
    new = "a long passphrase of my own"
    oleg.fill("input[name=old_password]", one_time)
    oleg.fill("input[name=new_password1]", new)
    oleg.fill("input[name=new_password2]", new)
    submit(oleg)
    assert "/accounts/two-factor/setup/" in oleg.url
    assert oleg.locator("nav.main-nav").count() == 0
    oleg.goto(url + "/registry/")  # a staff page before enrolment sends him back
    assert oleg.locator("nav.main-nav").count() == 0
    device = TOTPDevice.objects.get(user__username="oleg")
    oleg.goto(url + "/accounts/two-factor/setup/")
    oleg.fill("input[name=token]", totp_code(device))
    submit(oleg)
    menu = oleg.locator("nav.main-nav")
    assert menu.count() == 1 and menu.locator("a[href='/lists/']").count() == 1
    oleg.goto(url + "/cases/")
    assert oleg.locator("nav.main-nav").inner_html() == menu.inner_html()


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_error_pages_and_the_person_page_lead_somewhere(
    browser_context, live_server, transactional_db, lang
):
    from kintrace.intake.linking import report_link
    from kintrace.registry.services import person_create
    from tests.intake.helpers import make_report

    w = WORDS[lang]
    url = live_server.url
    relative = browser_context(locale=w["locale"], java_script_enabled=False).new_page()
    response = relative.goto(f"{url}/report/no-such-page/?lang={lang}")
    assert response.status == 404
    assert relative.locator("h1").inner_text() == w["not_found"]
    relative.get_by_role("link", name=w["back_form"]).click()
    assert relative.locator("form").count() >= 1 and "/report/" in relative.url

    vera, phone = staff("vera", "caseworker")
    him = person_create(name="Иванов Александр Сергеевич", actor=None)
    report, _receipt = make_report()
    report = report_link(report=report, person=him, actor=vera)
    page = browser_context(locale=w["locale"]).new_page()
    log_in(page, url, "vera", device=phone)
    response = page.goto(f"{url}/registry/persons/999999/")
    assert response.status == 404 and page.locator("h1").inner_text() == w["not_found"]
    assert page.locator("nav.main-nav").count() == 1
    page.goto(f"{url}/registry/persons/{him.pk}/")
    page.get_by_role("link", name=re.compile(re.escape(w["case"]) + str(report.case_id))).click()
    assert page.url.endswith(f"/cases/{report.case_id}/")

"""One staff menu on every staff page, shown only once the login is complete; and the person
page links his case and the reports about him."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from kintrace.accounts.services import staff_create
from kintrace.intake.linking import report_link
from kintrace.registry.services import person_create
from tests.intake.helpers import make_report

pytestmark = pytest.mark.django_db

MENU = re.compile(r'<nav class="main-nav".*?</nav>', re.S)

STAFF_PAGES = [
    "registry:search",
    "registry:persons",
    "registry:facilities",
    "registry:sources",
    "numbers:index",
    "intake:queue",
    "cases:list",
    "lists:index",
    "accounts:staff",
    "accounts:password_change",
]


def menu_of(response) -> str:
    found = MENU.findall(response.content.decode())
    assert len(found) <= 1
    return found[0] if found else ""


def test_every_staff_page_shows_the_same_full_menu(unlocked_staff, org_keys):
    c, _admin = unlocked_staff("admin")
    menus = {name: menu_of(c.get(reverse(name))) for name in STAFF_PAGES}
    first = menus["registry:search"]
    for label in (
        "/registry/",
        "/cases/",
        "/report/triage/",
        "/lists/",
        "/accounts/staff/",
        "/registry/conflicts/",
    ):
        assert label in first
    assert {name for name, menu in menus.items() if menu != first} == set()


def test_the_case_and_report_pages_show_the_same_menu_as_the_rest(unlocked_staff, org_keys):
    him = person_create(name="Иванов Александр Сергеевич", actor=None)
    report, _receipt = make_report()
    c, admin = unlocked_staff("caseworker")
    report = report_link(report=report, person=him, actor=admin)
    menu = menu_of(c.get(reverse("registry:search")))
    assert "/lists/" in menu
    assert menu_of(c.get(reverse("cases:detail", args=[report.case_id]))) == menu
    assert menu_of(c.get(reverse("intake:detail", args=[report.pk]))) == menu


def test_an_analyst_sees_no_link_to_pages_with_names(login, make_staff):
    c = login(make_staff("analyst"))
    menu = menu_of(c.get(reverse("numbers:index")))
    assert "/registry/facilities/" in menu
    for hidden in (
        "/registry/persons/",
        "/cases/",
        "/report/triage/",
        "/lists/",
        "/accounts/staff/",
    ):
        assert hidden not in menu


def test_no_menu_before_the_password_change_and_the_two_factor_enrolment():
    created = staff_create(actor=None, username="anna", role="admin")
    c = Client()
    r = c.post(
        reverse("accounts:login"), {"username": "anna", "password": created.password}, follow=True
    )
    assert r.redirect_chain[-1][0] == reverse("accounts:password_change")
    assert menu_of(r) == "" and "accounts/logout/" in r.content.decode()
    new = "a long passphrase of my own"
    r = c.post(
        reverse("accounts:password_change"),
        {"old_password": created.password, "new_password1": new, "new_password2": new},
        follow=True,
    )
    assert r.redirect_chain[-1][0] == reverse("accounts:totp_setup")
    assert menu_of(r) == ""


def test_no_menu_for_a_password_that_still_awaits_its_code(client, make_staff):
    from kintrace.accounts.models import TOTPDevice

    user = make_staff("admin")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    assert menu_of(client.get(reverse("accounts:two_factor"))) == ""


@pytest.mark.parametrize(
    "lang,case_word,report_word", [("en", "Case #", "Report #"), ("ru", "Дело №", "Сообщение №")]
)
def test_the_person_page_links_his_case_and_the_reports_about_him(
    unlocked_staff, org_keys, lang, case_word, report_word
):
    him = person_create(name="Иванов Александр Сергеевич", actor=None)
    report, _receipt = make_report()
    c, user = unlocked_staff("caseworker")
    report = report_link(report=report, person=him, actor=user)
    html = c.get(
        reverse("registry:person", args=[him.pk]), HTTP_ACCEPT_LANGUAGE=lang
    ).content.decode()
    assert f'href="{reverse("cases:detail", args=[report.case_id])}"' in html
    assert f'href="{reverse("intake:detail", args=[report.pk])}"' in html
    assert f"{case_word}{report.case_id}" in html and f"{report_word}{report.pk}" in html


def test_the_person_page_of_a_man_without_case_says_so(unlocked_staff):
    him = person_create(name="Петров Николай", actor=None)
    c, _user = unlocked_staff("caseworker")
    html = c.get(
        reverse("registry:person", args=[him.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "No case yet" in html and "/cases/" not in html.split("</nav>", 1)[1]

"""Issue 12, the relatives' side, in Debian's chromium: a relative on a 360 px phone with
JavaScript off starts at the site root, corrects a form without choosing the photo again,
reloads the receipt page and the inbox without sending anything twice, reads back a word
receipt typed carelessly, leaves by the quick exit; a caseworker sees the follow-up as
unread on the case, answers there and closes the case with a reason the family then reads.
In Russian and in English."""

import re

import pytest

from tests.e2e.conftest import totp_code
from tests.intake.helpers import image_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

NEUTRAL_PATH = "/elsewhere/weather/"  # stands in for the neutral site (no network here)
TEXT = {
    "ru": {
        "start": "Сообщить о пропавшем",
        "kept": "Эти файлы приняты",
        "added": "Спасибо",
        "news": "Нам позвонили из госпиталя, он жив!",
        "exit": "Быстрый выход",
        "closed": "закрыто — Человек найден",
        "data": "Что происходит с моими данными",
        "working": "сотрудник работает над ним",
    },
    "en": {
        "start": "Report a missing person",
        "kept": "These files were accepted",
        "added": "Thank you",
        "news": "The hospital called, he is alive!",
        "exit": "Quick exit",
        "closed": "closed — The person was found",
        "data": "What happens to my data",
        "working": "a caseworker is working on it",
    },
}


@pytest.fixture
def phone(browser_context, settings, live_server):
    settings.KINTRACE_QUICK_EXIT_URL = live_server.url + NEUTRAL_PATH

    def make(lang: str, javascript: bool = False):
        context = browser_context(
            viewport={"width": 360, "height": 740},
            is_mobile=True,
            has_touch=True,
            java_script_enabled=javascript,
            locale="ru-RU" if lang == "ru" else "en-US",
        )
        return context.new_page(), context

    return make


def _holds_receipt(html: str, receipt: str) -> bool:
    """Any two consecutive receipt words in the page (one common noun alone may occur)."""
    words = receipt.split()
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    return any(f"{a} {b}" in text for a, b in zip(words, words[1:], strict=False))


def careless(receipt: str) -> str:
    """The receipt as a frightened person types it: capitals, ё for е, odd spacing."""
    return "  " + receipt.upper().replace("Е", "Ё").replace(" ", "   ") + " "


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_relative_on_a_phone_reports_corrects_reloads_and_leaves_safely(
    phone, live_server, transactional_db, tmp_path, lang
):
    from kintrace.intake.models import DraftFile, Report
    from kintrace.security.testing import org_keys_for_tests

    org_keys_for_tests()
    t = TEXT[lang]
    page, context = phone(lang)
    photo = tmp_path / "IMG_2024.jpg"
    photo.write_bytes(image_bytes(size=(800, 600), gps=True))

    # The site root offers the report form, the inbox and the data page; staff login stays.
    page.goto(live_server.url + ("/" if lang == "ru" else "/?lang=en"))
    assert page.locator("a[href='/accounts/login/']").count() == 1
    assert page.locator("#quick-exit").is_visible()
    assert t["data"] in page.content()
    page.locator("#start-report").click()
    assert page.locator("html").get_attribute("lang") == lang
    assert ("10 МБ" if lang == "ru" else "10 MB") in page.locator("main").inner_text()

    # A mistake in one field: the photo is kept, the yearless date is accepted.
    page.fill("#id_subject_name", "Иванов Александр Сергеевич")
    page.fill("#id_subject_birth_date", "31.02.1987")
    page.fill("#id_details_last_contact_when", "15 января")
    page.fill("#id_message", "Позвонил с незнакомого номера и пропал.")
    page.set_input_files("#id_attachments", str(photo))
    page.locator("main form button[type=submit]").click()
    assert t["kept"] in page.content() and "IMG_2024.jpg" in page.content()
    assert page.locator("#id_details_last_contact_when").input_value() == "15 января"
    assert DraftFile.objects.count() == 1
    page.fill("#id_subject_birth_date", "14.03.1987")
    page.locator("main form button[type=submit]").click()  # no file chosen this time

    # The receipt page came by a redirect: reloading it sends nothing.
    assert "/report/receipt/" in page.url
    receipt = page.locator("#receipt").inner_text().strip()
    assert len(receipt.split()) == 11 and not any(w in page.url for w in receipt.split())
    page.reload()
    assert page.locator("#receipt").inner_text().strip() == receipt
    report = Report.objects.get()
    assert report.attachments.count() == 1 and not DraftFile.objects.exists()
    box = page.locator("#receipt").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360  # the words fit the phone
    with page.expect_navigation():  # written down: hide it (the POST's redirect must land
        page.locator("main form button[type=submit]").click()  # before going back)
    page.go_back()
    assert page.locator("#receipt").count() == 0  # gone for good

    # Back later, typing the receipt carelessly; adding news; reloading adds nothing.
    page.goto(live_server.url + f"/report/inbox/?lang={lang}")
    page.fill("#id_receipt", careless(receipt))
    page.locator("main form button[type=submit]").click()
    assert "Позвонил с незнакомого номера" in page.content()
    page.fill("#id_message", t["news"])
    page.locator("main form button[type=submit]").click()
    assert t["added"] in page.content() and t["news"] in page.content()
    page.reload()
    assert report.messages.count() == 1
    assert not _holds_receipt(page.content(), receipt)  # not even hidden

    # Quick exit: a plain link without JavaScript; the opened report is forgotten.
    page.locator("#quick-exit").click()
    assert page.url == live_server.url + NEUTRAL_PATH
    page.goto(live_server.url + f"/report/inbox/?lang={lang}")
    assert page.locator("#id_receipt").count() == 1 and t["news"] not in page.content()
    assert {c["name"] for c in context.cookies()} <= {"csrftoken"}


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_data_page_is_reachable_from_every_public_page(
    phone, live_server, transactional_db, lang
):
    page, _context = phone(lang)
    page.goto(live_server.url + f"/report/?lang={lang}")
    page.get_by_role("link", name=TEXT[lang]["data"]).first.click()
    heading = page.locator("h1").inner_text()
    assert heading == TEXT[lang]["data"]
    assert page.locator("html").get_attribute("lang") == lang
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360  # nothing wider than the phone


def test_with_javascript_the_quick_exit_leaves_no_way_back(phone, live_server, transactional_db):
    page, _context = phone("ru", javascript=True)
    page.goto("about:blank")
    page.goto(live_server.url + "/report/")
    page.locator("#quick-exit").click()
    page.wait_for_url("**" + NEUTRAL_PATH)
    page.go_back()
    assert "/report/" not in page.url  # the form was replaced in the history


def _staff_login(page, live_server, user, device, lang):
    from kintrace.security.testing import TEST_PASSWORD

    page.goto(live_server.url + "/accounts/login/")
    if lang == "en":
        page.locator("form.lang button[value=en]").click()
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.fill("input[name=token]", totp_code(device))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_follow_up_reaches_a_caseworker_who_answers_and_closes_with_a_reason(
    phone, browser_context, live_server, transactional_db, lang
):
    from kintrace.accounts.models import TOTPDevice
    from kintrace.intake.linking import report_create_person
    from kintrace.intake.models import Report
    from kintrace.security.testing import staff_with_key
    from tests.intake.helpers import make_report

    t = TEXT[lang]
    report, receipt = make_report()
    report_create_person(report=report, actor=None)
    report.refresh_from_db()

    relative, _ = phone(lang)
    relative.goto(live_server.url + f"/report/inbox/?lang={lang}")
    relative.fill("#id_receipt", receipt)
    relative.locator("main form button[type=submit]").click()
    assert t["working"] in relative.locator("#status").inner_text()
    relative.fill("#id_message", t["news"])
    relative.locator("main form button[type=submit]").click()

    worker = staff_with_key("caseworker", username="vera")
    device = TOTPDevice.objects.create(user=worker, name="phone", confirmed=True)
    staff = browser_context(locale="ru-RU").new_page()
    _staff_login(staff, live_server, worker, device, lang)
    staff.goto(live_server.url + "/registry/")
    assert staff.locator("#nav-unread").inner_text() == "1"
    staff.goto(live_server.url + f"/registry/persons/{report.person_id}/")
    assert staff.locator("#person-unread").is_visible()
    staff.goto(live_server.url + "/cases/?unread=1")
    staff.locator(f"a[href='/cases/{report.case_id}/']").first.click()
    conversation = staff.locator(f"#report-{report.pk}")
    assert t["news"] in conversation.inner_text()
    conversation.locator("textarea").fill(
        "Спасибо, мы проверим." if lang == "ru" else "Thank you, we will check."
    )
    conversation.locator("button.btn:not(.secondary)").click()
    assert staff.url.endswith(f"/cases/{report.case_id}/")
    assert staff.locator("#nav-unread").count() == 0  # answered, so read
    assert Report.objects.get().unread_count == 0

    # Closing asks why; the reason chosen to be shared is what the family reads.
    staff.select_option("#id_status", "found_alive")
    staff.locator("form[action$='/status/'] button").click()
    why = {"ru": "Выберите, почему дело закрывается.", "en": "Choose why the case is closed."}
    assert why[lang] in staff.locator("ul.messages").inner_text()  # the staff member's language
    staff.select_option("#id_status", "found_alive")
    staff.select_option("#id_case_reason", "found")
    staff.locator("form[action$='/status/'] button").click()
    found = {"ru": "найден живым", "en": "found alive"}
    assert found[lang] in staff.locator("#case-status").inner_text().lower()

    relative.reload()
    status = relative.locator("#status").inner_text()
    assert t["closed"] in status and t["working"] not in status
    assert (
        "Спасибо, мы проверим." if lang == "ru" else "Thank you, we will check."
    ) in relative.content()

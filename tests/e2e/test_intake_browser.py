"""A relative on a small phone with JavaScript off reports a missing man with a photo, writes
down the receipt, and comes back with it."""

import pytest

from tests.intake.helpers import image_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def phone(browser_context):
    context = browser_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        java_script_enabled=False,
        locale="ru-RU",
    )
    return context.new_page(), context


def test_a_report_with_a_photo_from_a_phone_without_javascript(
    phone, live_server, transactional_db, tmp_path
):
    from kintrace.intake.models import Report
    from kintrace.security.testing import org_keys_for_tests

    org_keys_for_tests()
    page, context = phone
    photo = tmp_path / "IMG_2024.jpg"
    photo.write_bytes(image_bytes(size=(800, 600), gps=True))

    page.goto(live_server.url + "/report/")
    assert page.locator("html").get_attribute("lang") == "ru"
    page.fill("#id_subject_name", "Иванов Александр Сергеевич")
    page.fill("#id_subject_birth_date", "14.03.1987")
    page.fill("#id_subject_facility", "ИК-2")
    page.check("input[name=details_what_happened][value=contact]")
    page.fill("#id_message", "Позвонил с незнакомого номера, попросил паспорт и пропал.")
    page.fill("#id_reporter_contact", "+7 900 123-45-67")
    page.set_input_files("#id_attachments", str(photo))
    button = page.locator("button[type=submit]")
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360  # fits the phone's width
    button.click()

    receipt = page.locator("#receipt").inner_text().strip()
    assert len(receipt.split()) == 11  # eleven words
    report = Report.objects.get()
    assert report.attachments.count() == 1
    cookies = context.cookies()
    assert {c["name"] for c in cookies} == {"csrftoken", "kt_receipt"}
    assert all(c["expires"] == -1 for c in cookies)  # session cookies only
    assert all(c["httpOnly"] for c in cookies)

    # Later: back to the inbox, typing the receipt.
    page.goto(live_server.url + "/report/inbox/")
    page.fill("#id_receipt", receipt)
    page.locator("button[type=submit]").click()
    assert "Позвонил с незнакомого номера" in page.content()
    assert "IMG_2024.jpg" in page.content()

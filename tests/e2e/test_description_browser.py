"""A relative on a small phone with JavaScript off gives his Приметы with the report and adds
one in the inbox; a caseworker sees them in triage and copies them into his description
before death."""

import pytest

from tests.e2e.conftest import totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TATTOO = "левое плечо — «Оля 2013», роза"


def test_the_relatives_description_reaches_the_caseworker_and_his_description(
    browser_context, live_server, transactional_db
):
    from kintrace.accounts.models import TOTPDevice
    from kintrace.intake.linking import report_create_person
    from kintrace.intake.models import Report
    from kintrace.security.testing import TEST_PASSWORD, org_keys_for_tests, staff_with_key

    org_keys_for_tests()
    phone = browser_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        java_script_enabled=False,
        locale="ru-RU",
    ).new_page()
    phone.goto(live_server.url + "/report/")
    phone.fill("#id_subject_name", "Смирнов Олег Павлович")
    section = phone.locator("details#description")
    phone.locator("details#description summary").click()  # opens without any script
    tattoos = phone.locator("#id_description_tattoos")
    box = tattoos.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360  # fits the phone's width
    assert "Зачем мы спрашиваем" in section.locator("p.why").inner_text()
    phone.fill("#id_description_height", "около 180")
    tattoos.fill(TATTOO)
    phone.fill("#id_description_teeth", "золотая коронка слева")
    phone.locator("main form button[type=submit]").last.click()
    receipt = phone.locator("#receipt").inner_text().strip()

    phone.goto(live_server.url + "/report/inbox/")
    phone.fill("#id_receipt", receipt)
    phone.locator("main form button[type=submit]").click()
    # The inbox shows what was given, unfolded, and takes one more thing.
    assert phone.locator("#id_description_tattoos").input_value() == TATTOO
    phone.fill("#id_description_belongings", "серебряный крестик")
    phone.locator("form[action$='/inbox/add/'] button[type=submit]").click()
    assert phone.locator("p.notice").is_visible()

    report = Report.objects.get()
    report_create_person(report=report, actor=None)
    report.refresh_from_db()
    worker = staff_with_key("caseworker", username="vera")
    device = TOTPDevice.objects.create(user=worker, name="phone", confirmed=True)
    staff = browser_context(locale="en-GB").new_page()
    staff.goto(live_server.url + "/accounts/login/")
    staff.locator("form.lang button[value=en]").click()
    staff.fill("input[name=username]", "vera")
    staff.fill("input[name=password]", TEST_PASSWORD)
    staff.locator("main form button[type=submit]").first.click()
    staff.fill("input[name=token]", totp_code(device))
    staff.locator("main form button[type=submit]").first.click()
    staff.wait_for_load_state()

    staff.goto(live_server.url + f"/report/triage/{report.pk}/")
    card = staff.locator("#relative-description")
    assert "«Оля 2013»" in card.inner_text() and "серебряный крестик" in card.inner_text()
    card.locator("button[type=submit]").click()
    staff.wait_for_url(f"**/registry/persons/{report.person_id}/")
    described = staff.locator("#antemortem").inner_text()
    assert "Оля 2013" in described and "серебряный крестик" in described
    assert "177–183" in described and "золотая коронка" in described

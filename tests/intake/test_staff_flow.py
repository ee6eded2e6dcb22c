"""The whole story through the real login: a relative reports, a caseworker logs in with
password and TOTP, triages the report into a case and answers; the relative reads it."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP

from kintrace.accounts.models import TOTPDevice
from kintrace.audit.selectors import audit_verify
from kintrace.cases.models import Case
from kintrace.intake.models import Report
from kintrace.security.testing import TEST_PASSWORD, staff_with_key

pytestmark = pytest.mark.django_db


def totp_now(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def test_report_to_case_to_answer_through_password_and_two_factor_login(org_keys):
    relative = Client()
    sent = relative.post(
        reverse("intake:report"),
        {
            "subject_name": "Соколов Дмитрий Андреевич",
            "subject_birth_date": "1991",
            "details_what_happened": ["deployed", "missing"],
            "message": "Ушёл с вербовщиками в январе, с марта нет связи.",
            "reporter_contact": "+7 999 111-22-33",
        },
    )
    receipt = (
        re.search(r'id="receipt">([^<]+)<', relative.get(sent["Location"]).content.decode())
        .group(1)
        .strip()
    )

    worker = staff_with_key("caseworker", username="vera")
    device = TOTPDevice.objects.create(user=worker, name="phone", confirmed=True)
    staff = Client()
    step = staff.post(
        reverse("accounts:login"),
        {"username": "vera", "password": TEST_PASSWORD, "next": reverse("intake:queue")},
    )
    assert step.status_code == 302 and step["Location"] == reverse("accounts:two_factor")
    assert staff.get(reverse("intake:queue")).status_code == 302  # not verified yet
    done = staff.post(reverse("accounts:two_factor"), {"token": totp_now(device)})
    assert done["Location"] == reverse("intake:queue")

    report = Report.objects.get()
    assert "Соколов" in staff.get(reverse("intake:queue")).content.decode()
    html = staff.get(reverse("intake:detail", args=[report.pk])).content.decode()
    assert "+7 999 111-22-33" in html
    linked = staff.post(
        reverse("intake:link", args=[report.pk]),
        {
            "person": "new",
            "fact_count": "2",
            "fact-0-record": "on",
            "fact-0-type": "deployed",
            "fact-0-date": "01.2024",
            "fact-1-record": "on",
            "fact-1-type": "missing",
            "fact-1-date": "03.2024",
        },
    )
    case = Case.objects.get()
    assert linked["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.person.status == "missing"
    staff.post(
        reverse("intake:answer", args=[report.pk]),
        {"message": "Мы начали поиск и проверим списки госпиталей."},
    )

    inbox = relative.post(
        reverse("intake:inbox"), {"receipt": receipt}, follow=True
    ).content.decode()
    assert "Мы начали поиск и проверим списки госпиталей." in inbox
    assert audit_verify().ok

"""Shared by the intake, cases and API tests: real reports, real images, real keys."""

import io

from PIL import Image

from kintrace.intake.services import report_submit
from kintrace.intake.validation import clean_report
from kintrace.security.testing import org_keys_for_tests


def make_report(subject_name="Иванов Александр Сергеевич", files=(), **raw):
    """Submit a report through the service the form and the API use; (report, receipt)."""
    org_keys_for_tests()
    raw.setdefault("subject", {})
    raw["subject"].setdefault("name", subject_name)
    raw.setdefault("message", "Позвонил с незнакомого номера и пропал.")
    return report_submit(clean=clean_report(raw), files=list(files))


def image_bytes(fmt="JPEG", size=(64, 48), color=(200, 30, 30), gps=False, text_marker=b""):
    """A small picture; with gps=True it carries EXIF with a camera model and GPS position."""
    img = Image.new("RGB", size, color)
    out = io.BytesIO()
    kwargs = {}
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "SpyCam Maker"  # Make
        exif[0x0110] = "SpyCam 3000"  # Model
        exif[0x8825] = {1: "N", 2: (55.0, 45.0, 21.0), 3: "E", 4: (37.0, 37.0, 4.0)}
        kwargs["exif"] = exif
    if text_marker and fmt == "JPEG":
        kwargs["comment"] = text_marker
    img.save(out, format=fmt, **kwargs)
    return out.getvalue()


def receipt_after(client, response) -> str:
    """The receipt a form post produced: the post answers 303 to the receipt page (the
    receipt is never in the POST's answer or a URL); fetch it as the browser would."""
    if response.status_code == 303:
        response = client.get(response["Location"])
    html = response.content.decode()
    return html.split('id="receipt">')[1].split("<")[0].strip()


def open_inbox(client, receipt: str):
    """Open the inbox with a receipt, as the login form does (the client keeps the cookie)."""
    from django.urls import reverse

    response = client.post(reverse("intake:inbox"), {"receipt": receipt})
    assert response.status_code == 303, response.status_code
    return response

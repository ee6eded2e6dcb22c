import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from kintrace.intake.models import Report
from kintrace.intake.services import report_decrypt, report_open
from kintrace.intake.storage import read_encrypted
from kintrace.intake.uploads import UploadRefused, check_upload

from . import files
from .helpers import image_bytes, receipt_after

pytestmark = pytest.mark.django_db


def post_with_files(client, *files):
    return client.post(
        reverse("intake:report"),
        {"subject_name": "Сидоров", "message": "фото", "attachments": list(files)},
    )


def test_exif_and_gps_are_stripped_from_the_viewing_copy_but_kept_in_the_original():
    original = image_bytes(gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825)
    checked = check_upload("IMG_0001.jpg", original)
    assert checked.data == original
    clean = Image.open(io.BytesIO(checked.clean_data))
    assert not clean.getexif()
    assert b"SpyCam" not in checked.clean_data and b"SpyCam" in original
    assert clean.size == (64, 48)


def test_the_orientation_survives_stripping():
    img = Image.new("RGB", (60, 20), (0, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° on display
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    clean = Image.open(io.BytesIO(check_upload("x.jpg", out.getvalue()).clean_data))
    assert clean.size == (20, 60)


def test_the_type_is_judged_by_content_not_by_name():
    png = image_bytes("PNG")
    assert check_upload("document.txt", png).content_type == "image/png"
    with pytest.raises(UploadRefused):
        check_upload("photo.jpg", b"#!/bin/sh\necho this is no photo\n")
    assert check_upload("scan.bin", files.clean_pdf()).content_type == "application/pdf"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP"])
@pytest.mark.parametrize("keep", [12, 60, 0.5])
def test_a_picture_cut_short_is_called_damaged_not_the_wrong_type(fmt, keep):
    whole = image_bytes(fmt=fmt, size=(120, 90))
    cut = whole[: int(len(whole) * keep) if isinstance(keep, float) else keep]
    with pytest.raises(UploadRefused) as e, translation.override("en"):
        check_upload("broken", cut)
    assert "damaged or cut short" in str(e.value)


def test_a_file_of_another_kind_is_told_which_kinds_we_take():
    with pytest.raises(UploadRefused) as e, translation.override("en"):
        check_upload("notes.docx", b"PK\x03\x04" + b"\x00" * 200)
    assert "JPEG, PNG, WebP, GIF" in str(e.value)


def test_the_sha256_of_the_original_is_recorded_on_arrival(client, org_keys):
    import hashlib

    photo = image_bytes(gps=True)
    response = post_with_files(client, SimpleUploadedFile("a.jpg", photo))
    assert response.status_code == 303
    receipt = receipt_after(client, response)
    access = report_open(receipt=receipt)
    view = report_decrypt(access.report, access.key)
    [attachment] = view.attachments
    assert attachment.sha256 == hashlib.sha256(photo).hexdigest()
    stored = Report.objects.get().attachments.get()
    assert read_encrypted(access.key, stored.original_file) == photo
    assert b"SpyCam" not in read_encrypted(access.key, stored.clean_file)


def test_an_oversized_file_is_a_form_error_not_a_crash(client, org_keys, settings):
    settings.KINTRACE_MAX_UPLOAD_BYTES = 2000
    big = image_bytes(size=(400, 400), color=(10, 200, 30)) + b"\x00" * 3000
    response = post_with_files(client, SimpleUploadedFile("big.jpg", big))
    assert response.status_code == 400
    html = response.content.decode()
    assert "big.jpg" in html and "Сидоров" in html
    assert not Report.objects.exists()


def test_a_file_that_is_not_a_picture_or_pdf_is_a_form_error(client, org_keys):
    response = post_with_files(client, SimpleUploadedFile("x.jpg", b"MZ\x90\x00 windows exe"))
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_too_many_files_are_refused(client, org_keys):
    files = [SimpleUploadedFile(f"{i}.png", image_bytes("PNG")) for i in range(6)]
    assert post_with_files(client, *files).status_code == 400


def test_uploads_never_spill_to_a_temporary_file_in_clear(client, org_keys, settings, monkeypatch):
    import django.core.files.uploadhandler as handlers

    spilled = []

    class Recording(handlers.TemporaryUploadedFile):
        def __init__(self, *args, **kwargs):
            spilled.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(handlers, "TemporaryUploadedFile", Recording)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10  # Django's default handlers would spill now
    photo = image_bytes(size=(300, 300))
    assert post_with_files(client, SimpleUploadedFile("a.jpg", photo)).status_code == 303
    assert spilled == []


@pytest.mark.parametrize(
    "make",
    [
        files.jpeg_full_of_metadata,
        files.png_full_of_metadata,
        files.webp_full_of_metadata,
        files.gif_full_of_metadata,
        files.mpo_ultra_hdr,
    ],
)
def test_no_comment_profile_or_text_chunk_reaches_the_viewing_copy(make):
    original = make()
    checked = check_upload("photo", original)
    assert checked.data == original  # the evidence stays byte for byte
    assert files.SECRET in original and files.SECRET not in checked.clean_data
    assert b"ICC_PROFILE" not in checked.clean_data


def test_an_android_ultra_hdr_photo_is_accepted_as_a_jpeg():
    checked = check_upload("PXL_20260101.jpg", files.mpo_ultra_hdr())
    assert checked.content_type == "image/jpeg" and checked.clean_content_type == "image/jpeg"


def refusal(data: bytes, lang: str = "en") -> str:
    with translation.override(lang), pytest.raises(UploadRefused) as refused:
        check_upload("file", data)
    return str(refused.value)


def test_a_pdf_with_active_content_is_refused_with_a_clear_message():
    pdf = files.active_pdfs()["open action javascript"]
    assert refusal(pdf) == (
        "This PDF contains scripts, links, forms or attached files, which we cannot accept "
        "for safety. Please send photos or screenshots of its pages instead."
    )
    assert refusal(pdf, "ru") == (
        "Этот PDF содержит скрипты, ссылки, формы или вложенные файлы, которые мы не можем "
        "принять ради безопасности. Пожалуйста, пришлите вместо него фотографии или снимки "
        "экрана его страниц."
    )


def test_an_html_page_dressed_as_a_pdf_is_refused():
    assert refusal(b"%PDF-1.4\n<html><script>alert(1)</script></html>") == (
        "This file is not a readable PDF document. Please send photos or screenshots of its "
        "pages instead."
    )


def test_a_heic_photo_is_refused_with_advice():
    assert refusal(files.heic_header()) == (
        "iPhone HEIC photos cannot be accepted yet. Please send it as JPEG (Settings → Camera "
        "→ Formats → Most Compatible) or send a screenshot of it."
    )

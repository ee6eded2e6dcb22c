import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from kintrace.intake.models import Report
from kintrace.intake.services import report_decrypt, report_open
from kintrace.intake.storage import read_encrypted
from kintrace.intake.uploads import UploadRefused, check_upload

from .helpers import image_bytes

pytestmark = pytest.mark.django_db


def post_with_files(client, *files):
    return client.post(reverse("intake:report"), {
        "subject_name": "Сидоров", "message": "фото", "attachments": list(files)})


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
    assert check_upload("scan.bin", b"%PDF-1.4\n%...").content_type == "application/pdf"


def test_a_truncated_image_is_refused_politely():
    with pytest.raises(UploadRefused):
        check_upload("broken.jpg", image_bytes()[:60])


def test_the_sha256_of_the_original_is_recorded_on_arrival(client, org_keys):
    import hashlib

    photo = image_bytes(gps=True)
    response = post_with_files(client, SimpleUploadedFile("a.jpg", photo))
    assert response.status_code == 201
    receipt = " ".join(response.content.decode().split('id="receipt">')[1][:49].split())
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


def test_uploads_never_spill_to_a_temporary_file_in_clear(client, org_keys, settings,
                                                          monkeypatch):
    import django.core.files.uploadhandler as handlers

    spilled = []

    class Recording(handlers.TemporaryUploadedFile):
        def __init__(self, *args, **kwargs):
            spilled.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(handlers, "TemporaryUploadedFile", Recording)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10  # Django's default handlers would spill now
    photo = image_bytes(size=(300, 300))
    assert post_with_files(client, SimpleUploadedFile("a.jpg", photo)).status_code == 201
    assert spilled == []

"""Files uploaded to any view (a list, say) stay in memory: Django's default would write every
file over 2 MiB to the temporary directory."""

import pytest
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.test import RequestFactory

from kintrace.web.serving import largest_request_bytes

from .kintrace_process import multipart


def _upload(data: bytes):
    body, content_type = multipart({"title": "list"}, {"file": ("list.csv", "text/csv", data)})
    return RequestFactory().generic("POST", "/lists/upload/", body, content_type=content_type)


def test_a_large_uploaded_file_is_kept_in_memory(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)  # read TMPDIR again
    data = b"surname;name\n" + b"x" * (3 * 2**20)
    request = _upload(data)
    f = request.FILES["file"]
    assert isinstance(f, InMemoryUploadedFile)
    assert f.read() == data
    assert list(tmp_path.iterdir()) == []


def test_a_body_larger_than_kintrace_accepts_is_refused(settings):
    settings.KINTRACE_MAX_LIST_BYTES = settings.KINTRACE_MAX_UPLOAD_BYTES = 1024
    request = _upload(b"x" * (largest_request_bytes() + 1))
    with pytest.raises(RequestDataTooBig):
        request.FILES  # noqa: B018 - parsing the body is what is tested


def test_the_largest_request_holds_a_full_report_and_a_full_list(settings):
    from kintrace.intake.uploads import MAX_FILES

    assert largest_request_bytes() > MAX_FILES * settings.KINTRACE_MAX_UPLOAD_BYTES
    assert largest_request_bytes() > settings.KINTRACE_MAX_LIST_BYTES
    settings.KINTRACE_MAX_LIST_BYTES = 500 * 2**20
    assert largest_request_bytes() > 500 * 2**20

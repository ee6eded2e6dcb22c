"""`kintrace serve` keeps reporter data in memory: a large report and a large original pass
through the real server while its open files and its temporary directory are searched for
the report's marker bytes."""

import re
import secrets
import socket

import pytest

from .kintrace_process import (
    Browser,
    big_photo,
    download_held,
    files_holding,
    first_login,
    http_head,
    pieces,
    post_held,
    small_window_socket,
    start_server,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def server(tmp_path):
    server = start_server(tmp_path)
    yield server
    server.stop()


def test_a_large_report_and_its_original_never_reach_the_disk(server):
    marker = b"KTMARK-" + secrets.token_hex(16).encode()
    phone = b"+7 912 %07d" % secrets.randbelow(10**7)
    photo = big_photo(marker)
    host = f"127.0.0.1:{server.port}"

    def nothing_on_disk():
        found = files_holding([marker, phone, *pieces(photo)], [server.pid], server.tmp,
                              server.data)
        assert found == []

    # The report, through the public form, held by the server before its last byte.
    staff = Browser(server.url)
    page = staff.get("/report/?lang=en")
    with socket.create_connection(("127.0.0.1", server.port), timeout=120) as sock:
        head = post_held(
            sock, host, "/report/",
            {"csrfmiddlewaretoken": page.csrf(), "lang": "en",
             "subject_name": "Иванов Пётр Сергеевич", "reporter_contact": phone.decode(),
             "message": "He called last in March."},
            {"attachments": ("photo.jpg", "image/jpeg", photo)},
            staff.cookie_header(), server.url, nothing_on_disk)
    assert head.startswith(b"HTTP/1.1 201"), head

    # A staff member downloads the original and stops reading after the response head.
    first_login(staff, "boss", server.staff["boss"])
    queue = staff.get("/report/triage/")
    detail = staff.get(re.search(r'href="(/report/triage/\d+/)"', queue.text).group(1))
    original = re.search(r'href="(/report/triage/attachment/\d+/\?original=1)"', detail.text)
    # The link leads to a warning page first; its button asks again with confirmed=1.
    warning = staff.get(original.group(1))
    assert 'name="confirmed" value="1"' in warning.text
    original = re.match(r"(.*)", original.group(1) + "&confirmed=1")
    with small_window_socket() as sock:
        sock.connect(("127.0.0.1", server.port))
        received = download_held(sock, host, original.group(1), staff.cookie_header(),
                                 nothing_on_disk)
    assert marker in received and len(received) == len(photo)

    nothing_on_disk()


def test_a_request_larger_than_any_kintrace_accepts_is_refused_unread(server):
    from django.conf import settings

    from kintrace.intake.uploads import MAX_FILES

    too_big = max(settings.KINTRACE_MAX_LIST_BYTES, MAX_FILES * settings.KINTRACE_MAX_UPLOAD_BYTES)
    too_big += settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024 * 1024
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"POST /report/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                     b"multipart/form-data; boundary=x\r\nContent-Length: %d\r\n\r\n" % too_big)
        assert http_head(sock).startswith(b"HTTP/1.1 413")

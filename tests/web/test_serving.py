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
        found = files_holding(
            [marker, phone, *pieces(photo)], [server.pid], server.tmp, server.data
        )
        assert found == []

    # The report, through the public form, held by the server before its last byte.
    staff = Browser(server.url)
    page = staff.get("/report/?lang=en")
    with socket.create_connection(("127.0.0.1", server.port), timeout=120) as sock:
        head = post_held(
            sock,
            host,
            "/report/",
            {
                "csrfmiddlewaretoken": page.csrf(),
                "lang": "en",
                "subject_name": "Иванов Пётр Сергеевич",
                "reporter_contact": phone.decode(),
                "message": "He called last in March.",
            },
            {"attachments": ("photo.jpg", "image/jpeg", photo)},
            staff.cookie_header(),
            server.url,
            nothing_on_disk,
        )
    # stored: the form redirects to the receipt page (post/redirect/get)
    assert head.startswith(b"HTTP/1.1 303"), head
    assert b"\r\nLocation: /report/receipt/" in head, head

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
        received = download_held(
            sock, host, original.group(1), staff.cookie_header(), nothing_on_disk
        )
    assert marker in received and len(received) == len(photo)

    nothing_on_disk()


def test_a_request_larger_than_any_kintrace_accepts_is_refused_unread(server):
    from django.conf import settings

    from kintrace.intake.uploads import MAX_FILES

    too_big = max(settings.KINTRACE_MAX_LIST_BYTES, MAX_FILES * settings.KINTRACE_MAX_UPLOAD_BYTES)
    too_big += settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024 * 1024
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(
            b"POST /report/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
            b"multipart/form-data; boundary=x\r\nContent-Length: %d\r\n\r\n" % too_big
        )
        assert http_head(sock).startswith(b"HTTP/1.1 413")


@pytest.fixture(scope="module")
def refusing_server(tmp_path_factory):
    """One server for the refusal tests: they send heads only and change nothing."""
    server = start_server(tmp_path_factory.mktemp("refusals"))
    yield server
    server.stop()


def _too_big() -> int:
    from django.conf import settings

    from kintrace.intake.uploads import MAX_FILES

    return (
        max(settings.KINTRACE_MAX_LIST_BYTES, MAX_FILES * settings.KINTRACE_MAX_UPLOAD_BYTES)
        + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        + 1024 * 1024
    )


def _refused(server, path: str, length: bytes, language: str = "en") -> tuple[str, dict, bytes]:
    """Send only the head of a POST with this Content-Length; (status line, headers, body)
    of the answer, which must come without the body being sent."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(
            b"POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: %s\r\n"
            b"Content-Type: application/json\r\nContent-Length: %s\r\n\r\n"
            % (path.encode(), language.encode(), length)
        )
        data = b""
        while chunk := sock.recv(65536):  # waitress closes the connection after a refusal
            data += chunk
    head, _sep, body = data.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v for k, _s, v in (line.partition(": ") for line in lines)}
    return status, headers, body


LENGTHS = [(b"%d" % _too_big(), 413), (b"-1", 400), (b"abc", 400), (b"12, 12", 400), (b"+5", 400)]


@pytest.mark.parametrize(("length", "code"), LENGTHS)
def test_a_request_refused_unread_is_answered_in_the_api_error_shape(refusing_server, length, code):
    import json

    from django.utils import translation

    from kintrace.web.serving import refusal_message

    status, headers, body = _refused(refusing_server, "/api/v1/reports", length, language="ru")
    assert status.startswith(f"HTTP/1.1 {code} ")
    assert headers["content-type"].startswith("application/json")
    with translation.override("en"):  # the API speaks English whatever the browser asks
        assert json.loads(body) == {"errors": {"": refusal_message(code)}}
    assert b"waitress" not in body


@pytest.mark.parametrize(("length", "code"), LENGTHS)
@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_page_refused_unread_is_the_apps_page_in_the_visitors_language(
    refusing_server, length, code, language
):
    from django.utils import translation

    from kintrace.web.serving import refusal_message

    status, headers, body = _refused(refusing_server, "/report/", length, language=language)
    assert status.startswith(f"HTTP/1.1 {code} ")
    assert headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in headers["content-security-policy"]  # the app's middleware
    page = body.decode()
    with translation.override(language):
        assert refusal_message(code).replace("'", "&#x27;") in page
    assert ("Запрос отклонён" if language == "ru" else "The request was refused") in page
    assert "waitress" not in page


def test_the_refusal_page_is_not_there_for_the_asking(refusing_server):
    with socket.create_connection(("127.0.0.1", refusing_server.port), timeout=30) as sock:
        sock.sendall(b"GET /-/refused/413/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert http_head(sock).startswith(b"HTTP/1.1 404")

"""`kintrace serve` keeps reporter data in memory: a large report and a large original pass
through the real server while its open files and its temporary directory are searched for
the report's marker bytes."""

import io
import os
import re
import secrets
import socket
import stat
import time
from pathlib import Path

import pytest
from PIL import Image

from .kintrace_process import Browser, first_login, multipart, start_server

pytestmark = pytest.mark.slow


def big_photo(marker: bytes) -> bytes:
    """A JPEG of about 6 MB (noise compresses badly) whose comment carries the marker."""
    img = Image.frombytes("RGB", (2800, 1800), os.urandom(2800 * 1800 * 3))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=95, comment=marker)
    assert 4_000_000 < out.tell() < 9_000_000
    return out.getvalue()


def files_holding(markers: list[bytes], pid: int, *dirs: Path) -> list[str]:
    """Every regular file the process has open, and every file under dirs, that contains one of
    the markers (a deleted temporary file is still read through /proc/PID/fd)."""
    hits = []
    candidates = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        path = f"/proc/{pid}/fd/{fd}"
        try:
            if stat.S_ISREG(os.stat(path).st_mode):
                candidates.append((path, os.readlink(path)))
        except OSError:
            continue  # closed meanwhile
    for d in dirs:
        candidates += [(str(p), str(p)) for p in d.rglob("*") if p.is_file()]
    for path, name in candidates:
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            continue
        hits += [f"{name}: {m.decode()}" for m in markers if m in data]
    return hits


def http_head(sock: socket.socket) -> bytes:
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)
        assert chunk, "connection closed before the response headers"
        head += chunk
    return head


@pytest.fixture
def server(tmp_path):
    server = start_server(tmp_path)
    yield server
    server.stop()


def test_a_large_report_and_its_original_never_reach_the_disk(server):
    marker = b"KTMARK-" + secrets.token_hex(16).encode()
    phone = b"+7 912 %07d" % secrets.randbelow(10**7)
    photo = big_photo(marker)
    watched = (server.tmp, server.data)

    # The report, through the public form: all of the body but its last byte, then a look at
    # the server while waitress holds the body, then the last byte.
    staff = Browser(server.url)
    page = staff.get("/report/?lang=en")
    body, content_type = multipart(
        {"csrfmiddlewaretoken": page.csrf(), "lang": "en",
         "subject_name": "Иванов Пётр Сергеевич", "reporter_contact": phone.decode(),
         "message": "He called last in March."},
        {"attachments": ("photo.jpg", "image/jpeg", photo)})
    with socket.create_connection(("127.0.0.1", server.port), timeout=120) as sock:
        sock.sendall(f"POST /report/ HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                     f"Connection: close\r\nContent-Type: {content_type}\r\n"
                     f"Content-Length: {len(body)}\r\nOrigin: {server.url}\r\n"
                     f"Cookie: {staff.cookie_header()}\r\n\r\n".encode()
                     + body[:-1])
        time.sleep(1.0)
        assert files_holding([marker, phone], server.pid, *watched) == []
        sock.sendall(body[-1:])
        head = http_head(sock)
    assert head.startswith(b"HTTP/1.1 201"), head

    # A staff member opens the original: the response is read one byte, then left waiting with
    # a small receive window so that most of it is still inside the server.
    first_login(staff, "boss", server.staff["boss"])
    queue = staff.get("/report/triage/")
    detail = staff.get(re.search(r'href="(/report/triage/\d+/)"', queue.text).group(1))
    original = re.search(r'href="(/report/triage/attachment/\d+/\?original=1)"', detail.text)
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 * 1024)
        sock.settimeout(120)
        sock.connect(("127.0.0.1", server.port))
        sock.sendall(f"GET {original.group(1)} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                     "Connection: close"
                     f"\r\nCookie: {staff.cookie_header()}\r\n\r\n".encode())
        head = http_head(sock)
        assert head.startswith(b"HTTP/1.1 200"), head
        time.sleep(1.0)
        assert files_holding([marker, phone], server.pid, *watched) == []
        received = b""
        while chunk := sock.recv(1 << 16):
            received += chunk
    assert marker in received and len(received) == len(photo)

    assert files_holding([marker, phone], server.pid, *watched) == []


def test_a_request_larger_than_any_kintrace_accepts_is_refused_unread(server):
    from django.conf import settings

    from kintrace.intake.uploads import MAX_FILES

    too_big = max(settings.KINTRACE_MAX_LIST_BYTES, MAX_FILES * settings.KINTRACE_MAX_UPLOAD_BYTES)
    too_big += settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024 * 1024
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"POST /report/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                     b"multipart/form-data; boundary=x\r\nContent-Length: %d\r\n\r\n" % too_big)
        assert http_head(sock).startswith(b"HTTP/1.1 413")

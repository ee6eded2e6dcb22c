"""kintrace behind the shipped nginx configuration (deploy/nginx/kintrace-proxy.conf) with TLS
on 127.0.0.1: staff log in and relatives report through it, HSTS is sent, the same works
under an .onion address over plain http (no HSTS there), only the proxy is believed about
https, and half-open connections at the proxy do not block anyone."""

import re
import secrets
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from .kintrace_process import (
    Browser,
    big_photo,
    download_held,
    files_holding,
    first_login,
    free_port,
    pieces,
    post_held,
    small_window_socket,
    start_server,
    stop,
    wait_for_port,
)

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
SNIPPET = REPO / "deploy" / "nginx" / "kintrace-proxy.conf"
ONION = "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz234567") for _ in range(56)) + ".onion"
# nginx connects to kintrace from this address, so a client on 127.0.0.1 is an outsider.
PROXY_ADDRESS = "127.0.0.2"

NGINX_CONF = """
{user}
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/nginx-error.log warn;
daemon off;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {root}/client_body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    proxy_bind {proxy_address};
    upstream kintrace {{ server 127.0.0.1:{upstream}; }}
    server {{
        listen 127.0.0.1:{tls} ssl;
        server_name 127.0.0.1;
        ssl_certificate {root}/cert.pem;
        ssl_certificate_key {root}/key.pem;
        include {snippet};
    }}
    server {{
        listen 127.0.0.1:{onion_port};
        server_name {onion};
        include {snippet};
    }}
}}
"""


def nginx_binary() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    assert found, "nginx is needed (./test.sh installs Debian's nginx)"
    return found


class Proxy:
    def __init__(self, root: Path, upstream: int):
        self.root = root
        self.tls, self.onion_port = free_port(), free_port()
        self.cafile = str(root / "cert.pem")
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
                str(root / "key.pem"),
                "-out",
                self.cafile,
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        import os

        conf = root / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                user="user root;" if os.getuid() == 0 else "",
                root=root,
                upstream=upstream,
                tls=self.tls,
                onion_port=self.onion_port,
                onion=ONION,
                snippet=SNIPPET,
                proxy_address=PROXY_ADDRESS,
            )
        )
        self.proc = subprocess.Popen(
            [nginx_binary(), "-p", str(root), "-c", str(conf), "-e", str(root / "nginx-error.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for_port(self.tls, self.proc, timeout=30)
            wait_for_port(self.onion_port, self.proc, timeout=30)
        except RuntimeError:
            stop(self.proc)
            log = root / "nginx-error.log"
            pytest.fail("nginx did not start:\n" + (log.read_text() if log.exists() else ""))

    @property
    def https(self) -> str:
        return f"https://127.0.0.1:{self.tls}"

    @property
    def onion_http(self) -> str:
        return f"http://127.0.0.1:{self.onion_port}"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """kintrace in production mode behind nginx; two staff accounts not yet logged in."""
    root = tmp_path_factory.mktemp("deployment")
    server = start_server(
        root,
        staff=(("boss", "coordinator"), ("second", "caseworker"), ("third", "coordinator")),
        KINTRACE_MODE="production",
        KINTRACE_SECRET_KEY=secrets.token_urlsafe(50),
        KINTRACE_ALLOWED_HOSTS=f"127.0.0.1,{ONION}",
        KINTRACE_TRUSTED_PROXY=PROXY_ADDRESS,
    )
    (root / "nginx").mkdir()
    try:
        proxy = Proxy(root / "nginx", server.port)
    except BaseException:
        server.stop()
        raise
    yield server, proxy
    stop(proxy.proc)
    server.stop()


def report(browser: Browser):
    return browser.post(
        "/report/",
        {
            "lang": "en",
            "subject_name": "Иванов Пётр Сергеевич",
            "message": "He called last in March.",
        },
        csrf_from="/report/?lang=en",
    )


def test_staff_log_in_and_relatives_report_through_the_tls_proxy(deployment):
    server, proxy = deployment
    browser = Browser(proxy.https, cafile=proxy.cafile)
    first_login(browser, "boss", server.staff["boss"])
    page = browser.get("/report/triage/")
    assert page.status == 200
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert all(c.secure for c in browser.jar)

    relative = Browser(proxy.https, cafile=proxy.cafile)
    page = report(relative)
    assert page.status == 200, page.text[:500]  # the receipt page after the form's 303
    assert 'id="receipt"' in page.text
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_staff_log_in_and_relatives_report_under_the_onion_address_without_hsts(deployment):
    server, proxy = deployment
    browser = Browser(proxy.onion_http, host=ONION)
    first_login(browser, "second", server.staff["second"])
    page = browser.get("/")
    assert page.status == 200
    assert "Strict-Transport-Security" not in page.headers

    relative = Browser(proxy.onion_http, host=ONION)
    page = report(relative)
    assert page.status == 200, page.text[:500]  # the receipt page after the form's 303
    assert "Strict-Transport-Security" not in page.headers


def test_reporter_data_stays_in_memory_in_the_proxy_too(deployment):
    server, proxy = deployment
    marker = b"KTMARK-" + secrets.token_hex(16).encode()
    phone = b"+7 912 %07d" % secrets.randbelow(10**7)
    photo = big_photo(marker)
    host = f"127.0.0.1:{proxy.tls}"
    context = ssl.create_default_context(cafile=proxy.cafile)
    nginx = [proxy.proc.pid] + [p.pid for p in psutil.Process(proxy.proc.pid).children()]

    def nothing_on_disk():
        found = files_holding(
            [marker, phone, *pieces(photo)],
            [server.pid, *nginx],
            proxy.root,
            server.tmp,
            server.data,
        )
        assert found == []

    relative = Browser(proxy.https, cafile=proxy.cafile)
    token = relative.get("/report/?lang=en").csrf()
    with context.wrap_socket(
        socket.create_connection(("127.0.0.1", proxy.tls), timeout=120), server_hostname="127.0.0.1"
    ) as sock:
        head = post_held(
            sock,
            host,
            "/report/",
            {
                "csrfmiddlewaretoken": token,
                "lang": "en",
                "subject_name": "Иванов П.",
                "reporter_contact": phone.decode(),
            },
            {"attachments": ("photo.jpg", "image/jpeg", photo)},
            relative.cookie_header(),
            proxy.https,
            nothing_on_disk,
        )
    assert head.startswith(b"HTTP/1.1 303"), head

    staff = Browser(proxy.https, cafile=proxy.cafile)
    first_login(staff, "third", server.staff["third"])
    queue = staff.get("/report/triage/")
    pk = max(int(n) for n in re.findall(r'href="/report/triage/(\d+)/"', queue.text))
    detail = staff.get(f"/report/triage/{pk}/")
    original = re.search(r'href="(/report/triage/attachment/\d+/\?original=1)"', detail.text)
    # The link leads to a warning page first; its button asks again with confirmed=1.
    warning = staff.get(original.group(1))
    assert 'name="confirmed" value="1"' in warning.text
    original = re.match(r"(.*)", original.group(1) + "&confirmed=1")
    sock = small_window_socket()
    sock.connect(("127.0.0.1", proxy.tls))
    with context.wrap_socket(sock, server_hostname="127.0.0.1") as tls:
        received = download_held(
            tls, host, original.group(1), staff.cookie_header(), nothing_on_disk
        )
    assert marker in received
    nothing_on_disk()


def _raw(port: int, request: str) -> tuple[str, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request.encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _sep, body = answer.partition(b"\r\n\r\n")
    return head.decode(), body


@pytest.mark.parametrize(
    "claim",
    [
        "X-Forwarded-Proto: https",
        "Forwarded: proto=https",
        "X-Forwarded-Proto: https\r\nX-Forwarded-Host: evil.example",
    ],
)
def test_a_client_that_is_not_the_proxy_cannot_claim_https(deployment, claim):
    server, _proxy = deployment
    host = f"127.0.0.1:{server.port}"
    # Straight to kintrace from 127.0.0.1, not the trusted proxy, claiming TLS: no HSTS ...
    head, body = _raw(
        server.port,
        f"GET /report/?lang=en HTTP/1.1\r\nHost: {host}\r\n{claim}\r\nConnection: close\r\n\r\n",
    )
    assert head.startswith("HTTP/1.1 200") and "strict-transport-security" not in head.lower()
    cookie = re.search(r"Set-Cookie: (csrftoken=[^;]+)", head).group(1)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()

    # ... and a form posted from the https origin it claims is refused as cross-site, while the
    # same form from the http origin it really uses goes through to the form's own checks.
    def post(origin: str) -> str:
        form = f"csrfmiddlewaretoken={token}&lang=en&subject_name="
        return _raw(
            server.port,
            f"POST /report/ HTTP/1.1\r\nHost: {host}\r\n{claim}\r\n"
            f"Origin: {origin}\r\nCookie: {cookie}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(form)}\r\nConnection: close\r\n\r\n" + form,
        )[0]

    assert post(f"https://{host}").startswith("HTTP/1.1 403")
    assert post(f"http://{host}").startswith("HTTP/1.1 400")


def _half_open(port: int, tls: bool) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        sock = context.wrap_socket(sock)
    sock.sendall(b"POST /report/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le")  # and never more
    return sock


def test_a_hundred_half_open_connections_at_the_proxy_block_no_one(deployment):
    _server, proxy = deployment
    held = []
    try:
        started = time.monotonic()
        for i in range(100):
            held.append(_half_open(proxy.tls if i % 2 else proxy.onion_port, tls=bool(i % 2)))
        assert time.monotonic() - started < 30
        answered = time.monotonic()
        page = Browser(proxy.https, cafile=proxy.cafile).get("/report/?lang=en")
        assert page.status == 200
        assert time.monotonic() - answered < 5
        page = Browser(proxy.onion_http, host=ONION).get("/report/?lang=en")
        assert page.status == 200
    finally:
        for sock in held:
            sock.close()


def test_the_proxy_refuses_a_chunked_body_it_would_have_to_reserve_a_full_buffer_for(deployment):
    _server, proxy = deployment
    context = ssl.create_default_context(cafile=proxy.cafile)
    with context.wrap_socket(
        socket.create_connection(("127.0.0.1", proxy.tls), timeout=30), server_hostname="127.0.0.1"
    ) as sock:
        sock.sendall(
            b"POST /report/ HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked"
            b"\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
        )
        assert sock.recv(64).startswith(b"HTTP/1.1 411")

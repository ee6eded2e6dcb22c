"""The real `kintrace serve` in its own process, and a small browser to talk to it.

Used by the tests that need what only a real server shows: waitress's buffers, the proxy in
front of it, open files of the server process. The server gets its own data directory, its own
TMPDIR and its own database: SQLite in the data directory, or, when the tests run on
PostgreSQL (DATABASE_URL), a fresh database on that server, dropped afterwards.
"""

import base64
import http.cookiejar
import io
import os
import re
import secrets
import socket
import ssl
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PIL import Image

STAFF_PASSWORD = "a long staff password 4 tests"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


@dataclass
class Server:
    proc: subprocess.Popen
    port: int
    root: Path  # holds data/, tmp/ and the server's log
    env: dict
    staff: dict = field(default_factory=dict)  # username -> one-time password
    database: str = ""  # the PostgreSQL database made for this server, if any

    def stop(self) -> None:
        stop(self.proc)
        if self.database:
            _postgres("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.database)

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return (self.root / "serve.log").read_text(errors="replace")


def _postgres(statement: str, database: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(_database_url("postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(database)))


def server_env(root: Path, database: str = "", **extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("KINTRACE_") and k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    (root / "tmp").mkdir(parents=True, exist_ok=True)
    env.update(KINTRACE_DATA_DIR=str(root / "data"), TMPDIR=str(root / "tmp"), **extra)
    if database:
        env["DATABASE_URL"] = _database_url(database)
    return env


def _database_url(database: str) -> str:
    """DATABASE_URL of the tests with another database name (the named one may not exist:
    pytest-django works in test_<name>)."""
    url = os.environ["DATABASE_URL"]
    return url[: url.rindex("/") + 1] + database


def start_server(root: Path, staff=(("boss", "coordinator"),), **extra_env) -> Server:
    """createstaff for each (username, role), then `kintrace serve` on a free port. Stop it
    with server.stop()."""
    database = ""
    if os.environ.get("DATABASE_URL"):
        database = "kintrace_serve_" + secrets.token_hex(6)
        _postgres("CREATE DATABASE {}", database)
    env = server_env(root, database, **extra_env)
    cli = [sys.executable, "-m", "kintrace.cli"]
    passwords = {}
    recovery = None  # printed by the first createstaff; later accounts get their key with it
    for username, role in staff:
        more = ["--recovery-key", "-"] if recovery else []
        made = subprocess.run(
            [*cli, "createstaff", username, "--role", role, *more],
            env=env,
            input=recovery,
            capture_output=True,
            text=True,
            timeout=180,
        )
        if made.returncode != 0:
            if database:
                _postgres("DROP DATABASE IF EXISTS {} WITH (FORCE)", database)
            pytest.fail(f"kintrace createstaff failed:\n{made.stderr}")
        passwords[username] = re.search(r"^password: (.+)$", made.stdout, re.M).group(1)
        recovery = recovery or re.search(r"^recovery key: (.+)$", made.stdout, re.M).group(1)
    port = free_port()
    log = open(root / "serve.log", "wb")
    proc = subprocess.Popen(
        [*cli, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    server = Server(proc=proc, port=port, root=root, env=env, staff=passwords, database=database)
    try:
        wait_for_port(port, proc)
    except RuntimeError:
        server.stop()
        pytest.fail(f"kintrace serve did not start:\n{server.log()}")
    return server


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


# --- A browser: cookies, CSRF tokens, the Origin header, multipart forms -------------------


class OnionAwarePolicy(http.cookiejar.DefaultCookiePolicy):
    """Tor Browser treats an .onion address as a secure context and sends Secure cookies over
    its plain http; this policy does the same (and only for .onion)."""

    def return_ok_secure(self, cookie, request):
        if request.get_header("Host", "").endswith(".onion"):
            return True
        return super().return_ok_secure(cookie, request)


class _NoRaise(urllib.request.HTTPErrorProcessor):
    """Follow redirects; hand back 4xx and 5xx pages instead of raising."""

    def http_response(self, request, response):
        if 300 <= response.status < 400:
            return super().http_response(request, response)
        return response

    https_response = http_response


@dataclass
class Page:
    status: int
    url: str
    headers: object
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def csrf(self) -> str:
        m = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.text)
        assert m, f"no CSRF token on {self.url} ({self.status})"
        return m.group(1)


class Browser:
    """base: "https://127.0.0.1:8443"; host: a Host header to send instead (an onion
    address reached through its local port); cafile: the certificate to trust."""

    def __init__(self, base: str, *, host: str | None = None, cafile: str | None = None):
        self.base = base.rstrip("/")
        self.host = host
        self.jar = http.cookiejar.CookieJar(policy=OnionAwarePolicy())
        handlers = [urllib.request.HTTPCookieProcessor(self.jar), _NoRaise()]
        if cafile:
            handlers.append(
                urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=cafile))
            )
        self.opener = urllib.request.build_opener(*handlers)

    @property
    def origin(self) -> str:
        scheme, _sep, rest = self.base.partition("://")
        return f"{scheme}://{self.host}" if self.host else self.base

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None) -> Page:
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        if self.host:
            req.add_header("Host", self.host)
        if data is not None and not req.has_header("Origin"):
            # As a browser does on every form post; Django's CSRF check compares it.
            req.add_header("Origin", self.origin)
        with self.opener.open(req, timeout=120) as response:
            return Page(response.status, response.url, response.headers, response.read())

    def get(self, path: str) -> Page:
        return self.request(path)

    def post(self, path: str, fields: dict, files: dict | None = None, csrf_from: str = "") -> Page:
        """Post a form the way a browser would: fetch csrf_from (default: path) first."""
        page = self.get(csrf_from or path)
        fields = {"csrfmiddlewaretoken": page.csrf(), **fields}
        body, content_type = multipart(fields, files or {})
        return self.request(path, body, {"Content-Type": content_type})

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    """fields: name -> str or list of str; files: name -> (filename, content_type, bytes)."""
    boundary = "----kintrace" + secrets.token_hex(12)
    parts = []
    for name, values in fields.items():
        for value in values if isinstance(values, list) else [values]:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                + str(value).encode()
                + b"\r\n"
            )
    for name, (filename, content_type, data) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# --- Looking for reporter data on disk ------------------------------------------------------


def big_photo(marker: bytes) -> bytes:
    """A JPEG of about 6 MB (noise compresses badly) whose comment carries the marker."""
    img = Image.frombytes("RGB", (2800, 1800), os.urandom(2800 * 1800 * 3))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=95, comment=marker)
    assert 4_000_000 < out.tell() < 9_000_000
    return out.getvalue()


def pieces(data: bytes, every: int = 256 * 1024, size: int = 32) -> list[bytes]:
    """Samples of data at regular offsets: a temporary file holding any part of it has one."""
    return [data[i : i + size] for i in range(0, len(data) - size, every)]


def files_holding(markers: list[bytes], pids: list[int], *dirs: Path) -> list[str]:
    """Every regular file the processes have open, and every file under dirs, that contains one
    of the markers (a deleted temporary file is still read through /proc/PID/fd)."""
    hits = []
    candidates = []
    for pid in pids:
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
        hits += [f"{name}: marker {i} {m[:40]!r}" for i, m in enumerate(markers) if m in data]
    return hits


def http_head(sock: socket.socket) -> bytes:
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)
        assert chunk, "connection closed before the response headers"
        head += chunk
    return head


def post_held(
    sock: socket.socket,
    host: str,
    path: str,
    fields: dict,
    files: dict,
    cookie: str,
    origin: str,
    check,
) -> bytes:
    """Post a multipart form: all of it but its last byte, then check() while the server holds
    the body, then the last byte. Returns the response head."""
    body, content_type = multipart(fields, files)
    sock.sendall(
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
        f"Origin: {origin}\r\nCookie: {cookie}\r\n\r\n".encode()
        + body[:-1]
    )
    time.sleep(1.0)
    check()
    sock.sendall(body[-1:])
    return http_head(sock)


def download_held(sock: socket.socket, host: str, path: str, cookie: str, check) -> bytes:
    """GET path, read only the response head, check() while the rest waits in the server (the
    caller made the socket's receive buffer small), then read the rest. Returns the body."""
    sock.sendall(
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
        f"Cookie: {cookie}\r\n\r\n".encode()
    )
    head = http_head(sock)
    assert head.startswith(b"HTTP/1.1 200"), head
    time.sleep(1.0)
    check()
    received = b""
    while chunk := sock.recv(1 << 16):
        received += chunk
    return received


def small_window_socket() -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 * 1024)
    sock.settimeout(120)
    return sock


# --- Staff login through the real forms ------------------------------------------------------

_used_steps: dict[str, int] = {}


def totp_now(secret_b32: str, key: str) -> str:
    """The code an authenticator app shows, never one already used for `key` (a code is good
    once; django-otp accepts the next step too)."""
    from django_otp.oath import totp

    raw = base64.b32decode(secret_b32.replace(" ", ""))
    now_t = int(time.time() // 30)
    t = max(now_t, _used_steps.get(key, -1) + 1)
    if t > now_t + 1:
        time.sleep(30 - time.time() % 30 + 0.5)
        now_t = int(time.time() // 30)
        t = max(now_t, _used_steps.get(key, -1) + 1)
    _used_steps[key] = t
    return f"{totp(raw, 30, 0, 6, t - now_t):06d}"


def first_login(browser: Browser, username: str, one_time_password: str) -> str:
    """A new staff member's first login: one-time password, a new password, then enrolling the
    authenticator from the secret the setup page shows. Returns that secret."""
    page = browser.post("/accounts/login/", {"username": username, "password": one_time_password})
    assert "/accounts/password/" in page.url, (page.status, page.url)
    page = browser.post(
        "/accounts/password/",
        {
            "old_password": one_time_password,
            "new_password1": STAFF_PASSWORD,
            "new_password2": STAFF_PASSWORD,
        },
    )
    assert "/accounts/two-factor/setup/" in page.url, (page.status, page.url)
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page.text).group(1)
    page = browser.post("/accounts/two-factor/setup/", {"token": totp_now(secret, username)})
    assert page.status == 200 and "/accounts/" not in page.url, (page.status, page.url)
    return secret


def login(browser: Browser, username: str, secret: str) -> Page:
    """A later login: password, then the code from the authenticator."""
    page = browser.post("/accounts/login/", {"username": username, "password": STAFF_PASSWORD})
    assert "/accounts/two-factor/" in page.url, (page.status, page.url)
    page = browser.post("/accounts/two-factor/", {"token": totp_now(secret, username)})
    assert page.status == 200 and "/accounts/" not in page.url, (page.status, page.url)
    return page

"""How `kintrace serve` runs waitress: every request and response held in memory, and the
reverse proxy's word on https believed only from the proxy's own address.

waitress writes a request body over `inbuf_overflow` (512 KiB by default) and a pending
response over `outbuf_overflow` (1 MiB) to a temporary file; a report's photo or a decrypted
original would sit in clear on disk. Here the input buffer is sized to the largest request
kintrace accepts, larger bodies are refused before they are read, and output never overflows.

waitress answers a request it refuses before the application sees it (a body over the limit,
a negative or malformed Content-Length, headers too large) with its own English plain text.
A WSGI middleware cannot take that over: waitress decides from the headers, before any task
runs, and a limit raised above the application's would only move the line (and have waitress
read into memory bodies the application then refuses). So its error task is replaced: the
refusal is rendered by the application itself — the API's `{"errors": {"": …}}` in English,
the web's translated page in the visitor's language (`web/refused.html`), with every header the
middleware adds — and waitress's plain text is left only for a failure of that rendering.
"""

import io
import json
import sys

from kintrace.intake.uploads import MAX_FILES

# Room for the multipart boundaries and part headers around the files and fields, in bytes.
MULTIPART_OVERHEAD = 256 * 1024
# Output is what the application already holds in memory in one piece (a page, an original);
# waitress makes the application wait while more than `outbuf_high_watermark` (16 MiB) is
# pending on one connection, so an output buffer that never overflows holds no more than that.
NEVER = sys.maxsize


def largest_request_bytes() -> int:
    """The largest request body kintrace accepts, in bytes: the larger of a list upload and a
    report carrying its most files at the largest size, plus the form's other fields (Django
    refuses those above DATA_UPLOAD_MAX_MEMORY_SIZE) and the multipart framing."""
    from django.conf import settings

    files = max(settings.KINTRACE_MAX_LIST_BYTES, MAX_FILES * settings.KINTRACE_MAX_UPLOAD_BYTES)
    return files + settings.DATA_UPLOAD_MAX_MEMORY_SIZE + MULTIPART_OVERHEAD


def waitress_options() -> dict:
    """Keyword arguments for waitress.serve (after Django is set up): memory-only buffers, the
    body limit, and the trusted proxy from KINTRACE_TRUSTED_PROXY (none when it is unset)."""
    from django.conf import settings

    limit = largest_request_bytes()
    options = {
        "ident": "kintrace",
        # waitress refuses a body of max_request_body_size bytes or more (413), by its
        # Content-Length before reading it, or as soon as a chunked body reaches it.
        "max_request_body_size": limit + 1,
        # A body that may be read is below the limit, so it never reaches the overflow size.
        "inbuf_overflow": limit + 1,
        "outbuf_overflow": NEVER,
        # Forwarded headers from anyone but the trusted proxy are removed, and even from the
        # proxy only X-Forwarded-Proto is believed: no client address is taken or kept.
        "clear_untrusted_proxy_headers": True,
    }
    if settings.TRUSTED_PROXY:
        options.update(
            trusted_proxy=settings.TRUSTED_PROXY,
            trusted_proxy_count=1,
            trusted_proxy_headers={"x-forwarded-proto"},
        )
    return options


# request.META key that marks the application's own GET for a refusal page (web.views.refused)
REFUSED_MARK = "kintrace.refused"
_API_PREFIX = "/api/"


def refusal_message(code: int) -> str:
    """What a person reads when the server refused a request unread, in the active language."""
    from django.utils.translation import gettext as _

    if code == 413:
        return _(
            "The request is larger than kintrace accepts (%(mb)s MB at most); nothing was "
            "stored. Send smaller files, or fewer at once."
        ) % {"mb": round(largest_request_bytes() / 2**20)}
    if code == 431:
        return _("The request's headers are too large to read; nothing was stored.")
    return _(
        "The request could not be read (its length or its headers are malformed); nothing "
        "was stored."
    )


def _refusal(application, server, request) -> tuple[str, list[tuple[str, str]], bytes]:
    """(status, headers, body) of the application's answer to a request waitress refused."""
    code = getattr(request.error, "code", 400)
    path = getattr(request, "path", "") or "/"
    headers = getattr(request, "headers", None) or {}
    if path.startswith(_API_PREFIX):
        from django.utils import translation

        with translation.override("en"):  # the API speaks English (api/core.py)
            body = json.dumps({"errors": {"": refusal_message(code)}}).encode()
        return (
            f"{code} {request.error.reason}",
            [
                ("Content-Type", "application/json; charset=utf-8"),
                ("X-Content-Type-Options", "nosniff"),
            ],
            body,
        )
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": f"/-/refused/{code}/",
        "QUERY_STRING": "",
        "SCRIPT_NAME": "",
        "SERVER_NAME": server.server_name or "localhost",
        "SERVER_PORT": str(server.effective_port),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": getattr(request, "url_scheme", "http"),
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        REFUSED_MARK: code,
    }
    # Only what the page needs: the host (ALLOWED_HOSTS), the language, the session cookie
    # (the language chosen on the site). Nothing of the refused body was read.
    for name in ("HOST", "ACCEPT_LANGUAGE", "COOKIE", "X_FORWARDED_PROTO"):
        if name in headers:
            environ[f"HTTP_{name}"] = headers[name]
    answer: dict = {}

    def start_response(status, response_headers, exc_info=None):
        answer.update(status=status, headers=response_headers)

    result = application(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    kept = [
        (k, v)
        for k, v in answer["headers"]
        if k.lower() not in ("content-length", "connection", "transfer-encoding")
    ]
    return answer["status"], kept, body


def create_server(application, **options):
    """waitress's server for `application` (`options`: waitress_options() and the listening
    address), its refusals answered by the application (see the module docstring)."""
    from waitress.channel import HTTPChannel
    from waitress.server import create_server as waitress_create_server
    from waitress.task import ErrorTask

    class AppErrorTask(ErrorTask):
        def execute(self):
            try:
                status, headers, body = _refusal(application, self.channel.server, self.request)
            except Exception:
                return super().execute()
            self.status = status
            self.response_headers.extend(headers)
            self.set_close_on_finish()
            self.content_length = len(body)
            self.write(body)

    class AppChannel(HTTPChannel):
        error_task_class = AppErrorTask

    server = waitress_create_server(application, **options)
    # one listening socket: the server itself; several: a MultiSocketServer over a map of them
    listeners = (
        [server]
        if hasattr(server, "channel_class")
        else [s for s in server.map.values() if hasattr(s, "channel_class")]
    )
    for listener in listeners:
        listener.channel_class = AppChannel
    return server

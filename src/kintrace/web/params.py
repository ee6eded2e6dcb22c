"""Reading ids and text from requests without trusting them.

Two rules, one place:

* An id is ASCII decimal digits, 1 to MAX_ID. `str.isdigit()` is not that test: "²" and "١٢"
  pass it, and `int("²")` raises; "99999999999999999999" passes it and overflows the database
  integer. Views read ids with `id_or_none` / `id_or_404` instead.
* No text with a NUL character reaches a view: PostgreSQL refuses it in any text value, so a
  search, a form field or a query parameter holding "%00" would be a 500 on PostgreSQL and
  quietly stored on SQLite. `RefuseNulMiddleware` answers such requests 400 before any view
  runs. (Lone surrogates cannot arrive this way: Django decodes query strings and form bodies
  with errors="replace"; JSON bodies are the API's to check, see kintrace.api.core.)
"""

import re
from urllib.parse import unquote_to_bytes

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .errors import bad_request_saying

# The largest value both databases store in a BIGINT (and so in any id column).
MAX_ID = 2**63 - 1
_ASCII_ID = re.compile(r"[0-9]{1,19}")


class IdConverter:
    """The `<id:pk>` path converter every kintrace URL uses for ids: ASCII digits naming an
    int in 1..MAX_ID, else no match (a 404). Django's `<int:…>` takes any number of digits,
    and a 20-digit one overflows the database integer deep inside a query (a 500)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = id_or_none(value)
        if number is None:
            raise ValueError(value)  # Django reads this as "no match"
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def id_or_none(value) -> int | None:
    """`value` (a str from GET/POST/a path, or None) as an id: an int in 1..MAX_ID written in
    ASCII digits, else None. Never raises."""
    if not isinstance(value, str) or not _ASCII_ID.fullmatch(value):
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None


def id_or_404(value) -> int:
    """Like id_or_none, but a value that is not an id raises Http404 (the page named by a bad
    id does not exist)."""
    number = id_or_none(value)
    if number is None:
        raise Http404
    return number


def has_nul(raw: bytes) -> bool:
    """Whether a raw query string or x-www-form-urlencoded body decodes to text holding NUL
    (written as %00 or, by a client that does not encode, as the byte itself)."""
    return b"\x00" in raw or b"\x00" in unquote_to_bytes(raw.replace(b"+", b" "))


class RefuseNulMiddleware:
    """Answer 400 to a request whose path, query string or url-encoded form body holds NUL.

    Multipart bodies are left to the forms (Django's CharField refuses NUL, and a file may hold
    any byte); reading them here would also fix the upload handlers before the view sets its own.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = [
            request.path_info.encode("utf-8", "surrogatepass"),
            request.META.get("QUERY_STRING", "").encode("latin-1", "replace"),
        ]
        content_type = request.META.get("CONTENT_TYPE", "").lower()
        # The API takes JSON only (kintrace.api.core refuses other bodies in its own shape).
        api = request.path_info.startswith("/api/")
        if content_type.startswith("application/x-www-form-urlencoded") and not api:
            try:
                raw.append(request.body)
            except RequestDataTooBig:
                pass  # the view reads the body again and answers in its own words
        if any(has_nul(part) for part in raw):
            if api:  # in the API's shape and language (kintrace.api.core)
                with translation.override("en"):
                    return JsonResponse({"errors": {"": _nul_message()}}, status=400)

            return bad_request_saying(request, _nul_message)
        return self.get_response(request)


def _nul_message() -> str:
    return _("The request holds a NUL character, which no field may contain.")


def local_path_or_empty(request, url) -> str:
    """`url` (a user-supplied "next") if it is a path on this site, else "".

    Only "/..." paths: `redirect()` takes a bare word such as "abc" for a view name and
    raises NoReverseMatch, and anything naming another host is an open redirect."""
    if not isinstance(url, str) or not url.startswith("/") or url.startswith("//"):
        return ""
    if not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    return url

"""The one NinjaAPI instance. Each part adds its router in api/urls.py.

Every failure has one shape, `{"errors": {"<dotted field path>": "<message>"}}` ("" names
the request as a whole), whatever raised it: a field the schema or the intake validation
refuses (400), a body that is not JSON (400), a body sent as anything but application/json
(415; a browser may send text/plain from any website without asking, so accepting it would
let any page file reports in a visitor's name), a body over Django's size limit (413), too
many wrong receipts (429), an unknown path (404) or method (405). ERROR_RESPONSES documents
them in the OpenAPI schema.
"""

import json
from typing import Annotated

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from pydantic import AfterValidator

JSON = "application/json"


class ErrorsOut(Schema):
    errors: dict[str, str]


def _storable(value: str) -> str:
    # A lone surrogate ("\ud800" in JSON) is valid JSON but no UTF-8 text: the database and
    # the encryption of the report would both fail on it.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(_("This text holds a lone surrogate, which is not a character.")) from None
    return value


# Text the API stores: no NUL (PostgreSQL refuses it in text) and no lone surrogate.
NO_NUL = r"^[^\x00]*$"
# A name must hold something besides white space; the intake validation strips the rest.
SOME_TEXT = r"^[^\x00]*[^\x00\s][^\x00]*$"
PATTERN_MESSAGES = {
    NO_NUL: gettext_noop("This text holds a NUL character, which no field may contain."),
    SOME_TEXT: gettext_noop("This must hold some text (and no NUL character)."),
}


def text(max_length: int, pattern: str = NO_NUL):
    """A str field type for request bodies: at most `max_length` characters, matching
    `pattern` (the schema says both, so clients and schemathesis see the rule), and holding
    no lone surrogate."""
    return Annotated[str, Field(max_length=max_length, pattern=pattern), AfterValidator(_storable)]


class JsonOnly(Parser):
    """JSON bodies only. The content type is checked in `api_view` (ninja turns anything this
    parser raises into a 400); here a body that does not parse is a 400 of our shape."""

    def parse_body(self, request):
        try:
            return json.loads(request.body)
        # RecursionError: "[[[[…" nested deeper than the parser goes, in a few hundred KB.
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise HttpError(400, _("The body is not valid JSON.")) from None


api = NinjaAPI(
    title="kintrace API",
    version="1",
    description=(
        "Public intake for other channels (e.g. a messenger bot). Request bodies must be sent "
        "as application/json. Every error answer is "
        '`{"errors": {"<field path>": "<message>"}}`: 400 for a refused field or a body that '
        "is not JSON, 413 for a body over the size limit, 415 for another content type, "
        "429 when throttled, 404 for an unknown path, 405 for an unknown method."
    ),
    urls_namespace="api",
    parser=JsonOnly(),
    # Swagger UI would need inline scripts or outside assets; the schema is enough.
    docs_url=None,
)

# Error answers every operation may give, for its `response=` mapping.
ERROR_RESPONSES = {400: ErrorsOut}
BODY_ERROR_RESPONSES = {400: ErrorsOut, 413: ErrorsOut, 415: ErrorsOut}


def errors(message: str, status: int, field: str = "") -> JsonResponse:
    """The one error answer: {"errors": {field: message}} with `status`."""
    return JsonResponse({"errors": {field: message}}, status=status)


def _path(loc) -> str:
    # Ninja's locations start with where the value came from ("body", "header") and the
    # parameter name; the field path the caller wrote is what follows.
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "header", "query", "path"):
        parts = parts[2:] if parts[0] == "body" else parts[1:]
    return ".".join(parts) or "body"


def _message(error: dict) -> str:
    pattern = (error.get("ctx") or {}).get("pattern")
    if error.get("type") == "string_pattern_mismatch" and pattern in PATTERN_MESSAGES:
        return _(PATTERN_MESSAGES[pattern])
    message = str(error.get("msg", "invalid"))
    return message.removeprefix("Value error, ")


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    # 400, not ninja's 422: one status for "the request was refused as sent", documented.
    found: dict[str, str] = {}
    for e in exc.errors:
        found.setdefault(_path(e.get("loc", ())), _message(e))
    return api.create_response(request, {"errors": found}, status=400)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return api.create_response(request, {"errors": {"": str(exc)}}, status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def too_big(request, exc):
    return api.create_response(request, {"errors": {"": _("The body is too large.")}}, status=413)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"errors": {"": _("Not found.")}}, status=404)


def api_view(view):
    """Wrap one of the API's URL callbacks: refuse bodies that are not application/json
    before ninja reads them, and give ninja's bare 405 our error shape."""

    def wrapped(request, *args, **kwargs):
        # The API speaks English, whatever the visitor's browser asks for.
        with translation.override("en"):
            has_body = request.method in ("POST", "PUT", "PATCH") and request.META.get(
                "CONTENT_LENGTH", ""
            ) not in ("", "0")
            if has_body and request.content_type != JSON:
                return errors(_("Send the body as application/json."), 415)
            response = view(request, *args, **kwargs)
            if response.status_code == 405 and not response.get("Content-Type", "").startswith(
                JSON
            ):
                allow = response.get("Allow", "")
                response = errors(_("This method is not allowed here."), 405)
                response["Allow"] = allow
        return response

    # Django's and functools' function attributes, which mypy does not know on a function
    wrapped.csrf_exempt = getattr(view, "csrf_exempt", False)  # type: ignore[attr-defined]
    wrapped.__wrapped__ = view  # type: ignore[attr-defined]
    return wrapped


@csrf_exempt
def api_not_found(request, rest: str = ""):
    """Any other path under the API: 404 in the API's shape, not an HTML page."""
    with translation.override("en"):
        return errors(_("Not found."), 404)

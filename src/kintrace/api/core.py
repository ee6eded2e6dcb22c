"""The one NinjaAPI instance. Each part adds its router in api/urls.py; errors have one shape:
`{"errors": {"<dotted field path>": "<message>"}}`."""

from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError

api = NinjaAPI(
    title="kintrace API",
    version="1",
    description="Public intake for other channels (e.g. a messenger bot).",
    urls_namespace="api",
    # Swagger UI would need inline scripts or outside assets; the schema is enough.
    docs_url=None,
)


def _path(loc) -> str:
    # Ninja's locations start with where the value came from ("body", "header") and the
    # parameter name; the field path the caller wrote is what follows.
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "header", "query", "path"):
        parts = parts[2:] if parts[0] == "body" else parts[1:]
    return ".".join(parts) or "body"


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    errors = {}
    for e in exc.errors:
        errors.setdefault(_path(e.get("loc", ())), e.get("msg", "invalid"))
    return api.create_response(request, {"errors": errors}, status=422)

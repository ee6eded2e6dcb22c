"""The 400, 403, 404 and 500 pages (urls.py's handler400 … handler500): translated, styled, with
a way back, on the public side (the relatives' pages) and the staff side alike.

A relative sees the public look and links to the report form and the inbox, in the language the
public pages were using (`?lang=`); staff see the staff look with the menu. The 500 page never
touches the database or the session (the fault may be there), so it is one plain template.
Requests to the API get its one JSON error shape instead.
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

PUBLIC_LANGUAGES = ("ru", "en")


def _messages(status: int) -> tuple[str, str]:
    return {
        400: (
            _("The request could not be read"),
            _(
                "Something in the address or the form was not understood. Nothing was saved. "
                "Go back and try again."
            ),
        ),
        403: (
            _("No access"),
            _("This page is not open to you. If you need it for your work, ask a coordinator."),
        ),
        404: (
            _("Page not found"),
            _(
                "There is no page at this address. It may have been moved or deleted, or the "
                "address may be mistyped."
            ),
        ),
        500: (
            _("Something went wrong"),
            _(
                "The server could not finish this request. What you sent may not have been "
                "saved. Please try again in a few minutes."
            ),
        ),
    }[status]


def _is_public_path(request) -> bool:
    path = request.path
    return path.startswith("/report/") and not path.startswith("/report/triage/")


def _is_public(request) -> bool:
    """The relatives' pages, and anyone who is not a logged-in staff member."""
    if _is_public_path(request):
        return True
    user = getattr(request, "user", None)
    if user is None:
        # Refused before the authentication middleware ran (a NUL in the URL): who asks is
        # unknown, so a staff address gets the plain staff look, never the relatives' links
        return False
    return not user.is_authenticated


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _public_language(request) -> str:
    lang = request.GET.get("lang", "")
    if lang in PUBLIC_LANGUAGES:
        return lang
    current = translation.get_language() or "ru"
    return current if current in PUBLIC_LANGUAGES else "ru"


def _page(request, status: int, *, staff_template: str = "errors/staff.html", why=None):
    """`why` (a callable giving translated text) replaces the generic explanation."""
    if _is_api(request):
        return JsonResponse({"errors": {"": _messages(status)[1]}}, status=status)
    # The 500 page must not load the session or the user (the fault may be the database).
    public = _is_public_path(request) if status == 500 else _is_public(request)
    if public or status == 500:
        lang = _public_language(request)
        with translation.override(lang):
            title, text = _messages(status)
            text = why() if why is not None else text
            response = render(
                request,
                "errors/public.html",
                {
                    "status": status,
                    "title": title,
                    "text": text,
                    "lang": lang,
                    "other_lang": "en" if lang == "ru" else "ru",
                    "staff": not public,
                },
                status=status,
            )
        response["Content-Language"] = lang
        return response
    title, text = _messages(status)
    text = why() if why is not None else text
    return render(
        request, staff_template, {"status": status, "title": title, "text": text}, status=status
    )


@requires_csrf_token
def bad_request(request, exception=None):
    return _page(request, 400)


def bad_request_saying(request, why):
    """A 400 page that says what exactly was wrong (`why()`: translated text), for refusals
    made before any view, such as web.params.RefuseNulMiddleware's."""
    return _page(request, 400, why=why)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _page(request, 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return _page(request, 404)


@requires_csrf_token
def server_error(request):
    return _page(request, 500)

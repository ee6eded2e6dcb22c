import os

from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from kintrace.intake.views_public import landing

from .serving import REFUSED_MARK, refusal_message


def home(request):
    """The public start page (report, or read answers, and a small staff login link) for
    anyone not logged in; each staff role starts on its own page: analysts on the numbers
    page (they never see names)."""
    user = request.user
    if not user.is_authenticated:
        return landing(request)
    if getattr(user, "sees_names", False):
        return redirect("registry:search")
    return redirect("numbers:index")


def static(request, path: str):
    """Serve the app's own static files; there is no CDN and no outside asset."""
    if ".." in path.split("/"):
        raise Http404
    found = finders.find(path)
    if not found or not os.path.isfile(found):  # "static/" or "static/css/" name directories
        raise Http404
    response = FileResponse(open(found, "rb"))
    response["Cache-Control"] = "public, max-age=3600"
    return response


set_language = require_POST(django_set_language)


def csrf_failure(request, reason: str = ""):
    """A plain-language page instead of Django's bare 403: a relative whose browser dropped the
    form's cookie must learn that nothing was sent and how to send it again."""
    return render(request, "web/csrf_failure.html", status=403)


def refused(request: HttpRequest, code: int):
    """The page for a request the server refused before the app could read it (too large, a
    malformed length or headers): called by `web.serving` with a GET of its own, marked in
    the environ; anyone else asking for it gets 404."""

    if request.META.get(REFUSED_MARK) != code:
        raise Http404
    return render(request, "web/refused.html", {"message": refusal_message(code)}, status=code)

"""The reporter's pages: the report form, the receipt, the inbox. No login, no session, no
JavaScript; the only cookie is the CSRF cookie, which dies with the browser session.

The language is Russian unless the page was asked for in English (`lang=en` in the link or
the form): the browser's Accept-Language is ignored on purpose, because Tor Browser always
says en-US and a family in Russia should not land on an English form.
"""

from functools import wraps

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from kintrace.security.keys import OrgKeysMissing

from .forms import MessageForm, ReportForm
from .services import (
    ReceiptThrottled,
    ReportBusy,
    report_decrypt,
    report_open,
    report_submit,
    reporter_add,
)
from .uploads import MAX_FILES, check_uploads, receive_uploads, refusal_message
from .validation import ReportInvalid, clean_message

PUBLIC_LANGUAGES = ("ru", "en")


def public_page(view):
    """Language from `lang`, no caching anywhere, and files kept in memory only.

    The upload handler must be set before anything reads the body, so CSRF is checked
    inside (csrf_protect) instead of by the middleware. A body Django refuses before our
    handler sees it (a broken multipart header, an oversized plain form) gets the page
    again with a translated message, never a bare 400.
    """

    @csrf_exempt
    @never_cache
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        request.kintrace_uploads = receive_uploads(request)
        try:
            posted_lang = request.POST.get("lang")  # parse the body now, inside this try
            unreadable = False
        except (MultiPartParserError, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
            posted_lang, unreadable = None, True
        lang = request.GET.get("lang") or posted_lang or "ru"
        lang = lang if lang in PUBLIC_LANGUAGES else "ru"
        with translation.override(lang):
            request.LANGUAGE_CODE = lang
            if unreadable:
                response = _unreadable(request, view.__name__)
            else:
                response = csrf_protect(view)(request, *args, **kwargs)
        response["Content-Language"] = lang
        return response

    return wrapped


def _ctx(request, **extra):
    other = "en" if request.LANGUAGE_CODE == "ru" else "ru"
    return {"lang": request.LANGUAGE_CODE, "other_lang": other, "max_files": MAX_FILES,
            **extra}


def _unreadable(request, view_name: str):
    """The page again, empty, for a body that could not be read at all."""
    problem = refusal_message("unreadable")
    if view_name == "report_form":
        return render(request, "intake/report_form.html",
                      _ctx(request, form=ReportForm(), file_problems=[problem]), status=400)
    return render(request, "intake/inbox_login.html", _ctx(request, error=problem), status=400)


def _closed(request):
    return render(request, "intake/closed.html", _ctx(request), status=503)


@require_http_methods(["GET", "POST"])
@public_page
def report_form(request):
    if request.method == "GET":
        return render(request, "intake/report_form.html", _ctx(request, form=ReportForm()))
    form = ReportForm(request.POST)
    clean = form.clean_report()
    files, file_problems = check_uploads(request.FILES.getlist("attachments"),
                                         request.kintrace_uploads)
    if clean is None or file_problems:
        return render(request, "intake/report_form.html",
                      _ctx(request, form=form, file_problems=file_problems,
                           files_dropped=bool(request.kintrace_uploads.files_sent)),
                      status=400)
    try:
        _report, receipt = report_submit(clean=clean, files=files)
    except OrgKeysMissing:
        return _closed(request)
    except ReportBusy as e:  # nothing stored: the form again, with what was typed
        form.add_error(None, str(e))
        return render(request, "intake/report_form.html", _ctx(
            request, form=form, files_dropped=bool(request.FILES)), status=503)
    return render(request, "intake/receipt.html", _ctx(request, receipt=receipt), status=201)


def _open(request):
    """(access, error page response) for the receipt in the POST body."""
    receipt = request.POST.get("receipt", "")
    try:
        access = report_open(receipt=receipt)
    except ReceiptThrottled:
        return None, render(request, "intake/inbox_login.html", _ctx(
            request, error=_("Too many wrong receipts were tried recently, by someone. "
                             "Please try again in a few minutes.")), status=429)
    if access is None:
        return None, render(request, "intake/inbox_login.html", _ctx(
            request, error=_("We found no report with this receipt. Check the digits and "
                             "try again.")), status=404)
    return access, None


def _inbox(request, access, receipt, *, status=200, **extra):
    view = report_decrypt(access.report, access.key)
    return render(request, "intake/inbox.html", _ctx(
        request, view=view, receipt=receipt, form=extra.pop("form", MessageForm()), **extra),
        status=status)


@require_http_methods(["GET", "POST"])
@public_page
def inbox(request):
    if request.method == "GET":
        return render(request, "intake/inbox_login.html", _ctx(request))
    access, refused = _open(request)
    if refused:
        return refused
    return _inbox(request, access, request.POST["receipt"])


@require_http_methods(["POST"])
@public_page
def inbox_add(request):
    access, refused = _open(request)
    if refused:
        return refused
    receipt = request.POST["receipt"]
    form = MessageForm(request.POST)
    problems = []
    text = ""
    try:
        text = clean_message(request.POST.get("message", ""))
    except ReportInvalid as e:
        problems.extend(e.errors.values())
    files, file_problems = check_uploads(request.FILES.getlist("attachments"),
                                         request.kintrace_uploads)
    problems.extend(file_problems)
    if not text and not files and not problems:
        problems.append(_("Write something or choose a file to add."))
    if problems:
        return _inbox(request, access, receipt, form=form, problems=problems, status=400)
    try:
        reporter_add(access=access, text=text, files=files)
    except ReportBusy as e:  # nothing stored: the form again, with what was typed
        return _inbox(request, access, receipt, form=form, problems=[str(e)], status=503)
    return _inbox(request, access, receipt, added=True)

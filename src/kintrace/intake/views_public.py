"""The reporter's pages: the report form, the receipt, the inbox, what happens to the data,
the quick exit. No login and no session; nothing needs JavaScript (one small script only
makes the quick exit replace the page in the history). Every POST that stores something
answers with a redirect (post/redirect/get), so a reload never sends it twice: the page
after the redirect finds what it shows through a short-lived reporter token in a cookie
(`tokens.py`), never through the URL. Cookies: the CSRF cookie, and while needed the
receipt and inbox tokens — all die with the browser session.

The language is Russian unless the page was asked for in English (`lang=en` in the link or
the form): the browser's Accept-Language is ignored on purpose, because Tor Browser always
says en-US and a family in Russia should not land on an English form.
"""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.http import HttpResponseRedirect
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from kintrace.remains.family.selectors import (
    family_review_get,
    family_reviews_for,
    review_decrypt,
)
from kintrace.remains.family.services import family_review_answer
from kintrace.remains.models import FamilyAnswer, FamilyReview
from kintrace.security.keys import OrgKeysMissing
from kintrace.web.params import id_or_none

from . import tokens
from .forms import MessageForm, ReportForm
from .services import (
    ReceiptThrottled,
    ReceiptUnreadable,
    ReportBusy,
    receipt_throttled_text,
    receipt_unreadable_text,
    receipt_wrong_text,
    report_decrypt,
    report_open,
    report_submit,
    reporter_access,
    reporter_add,
    reporter_state,
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


RECEIPT_COOKIE = "kt_receipt"
INBOX_COOKIE = "kt_inbox"
COOKIE_PATH = "/report/"


def _ctx(request, **extra):
    other = "en" if request.LANGUAGE_CODE == "ru" else "ru"
    mb = settings.KINTRACE_MAX_UPLOAD_BYTES / (1024 * 1024)
    return {
        "lang": request.LANGUAGE_CODE,
        "other_lang": other,
        "max_files": MAX_FILES,
        "max_mb": f"{mb:g}",
        **extra,
    }


def _redirect(request, name: str, **query) -> HttpResponseRedirect:
    """303 to a public page in the same language (303: the browser follows with a GET)."""
    response = HttpResponseRedirect(
        reverse(name) + "?" + urlencode({"lang": request.LANGUAGE_CODE, **query})
    )
    response.status_code = 303
    return response


def _set_token_cookie(response, name: str, token: str) -> None:
    # No max-age: gone with the browser session; the server forgets the token sooner.
    response.set_cookie(
        name,
        token,
        path=COOKIE_PATH,
        httponly=True,
        samesite="Strict",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _drop_token_cookie(request, response, name: str) -> None:
    if name in request.COOKIES:
        tokens.token_end(token=request.COOKIES[name])
        response.delete_cookie(name, path=COOKIE_PATH, samesite="Strict")


def _unreadable(request, view_name: str):
    """The page again, empty, for a body that could not be read at all."""
    problem = refusal_message("unreadable")
    if view_name == "report_form":
        return render(
            request,
            "intake/report_form.html",
            _ctx(request, form=ReportForm(), file_problems=[problem]),
            status=400,
        )
    if view_name == "inbox_add":
        access, _pending = _inbox_access(request)
        if access is not None:  # the inbox is still open: show it, with the problem
            return _inbox(request, access, problems=[problem], status=400)
    return render(request, "intake/inbox_login.html", _ctx(request, error=problem), status=400)


def _closed(request):
    return render(request, "intake/closed.html", _ctx(request), status=503)


def _files_with_draft(request, fresh_problems: list[str]):
    """(kept files, new files, problems, draft token) for a form that may carry a draft:
    the files accepted on an earlier try (minus those the relative unticked) and this try's."""
    draft = request.POST.get("draft", "")
    listed = {f.pk for f in tokens.draft_list(draft=draft)} if draft else set()
    keep = {pk for v in request.POST.getlist("keep_file") if (pk := id_or_none(v)) is not None}
    kept = tokens.draft_files(draft=draft, drop=listed - keep) if draft else []
    files, problems = check_uploads(request.FILES.getlist("attachments"), request.kintrace_uploads)
    problems = fresh_problems + problems
    if len(kept) + len(files) > MAX_FILES:
        problems.append(refusal_message("too_many_files", len(kept) + len(files)))
        files = files[: max(0, MAX_FILES - len(kept))]
    return kept, files, problems, draft


def _keep_for_correction(draft: str, files) -> str:
    """Keep this try's accepted files with the draft (a new draft if there is none)."""
    if files:
        draft = draft or tokens.draft_new()
        tokens.draft_add(draft=draft, files=files)
    return draft


@require_http_methods(["GET", "POST"])
@public_page
def report_form(request):
    if request.method == "GET":
        return render(request, "intake/report_form.html", _ctx(request, form=ReportForm()))
    form = ReportForm(request.POST)
    clean = form.clean_report()
    kept, files, file_problems, draft = _files_with_draft(request, [])
    if clean is None or file_problems:
        draft = _keep_for_correction(draft, files)
        return _form_again(request, form, draft, file_problems, status=400)
    try:
        _report, receipt = report_submit(clean=clean, files=kept + files)
    except OrgKeysMissing:
        return _closed(request)
    except ReportBusy as e:  # nothing stored: the form again, with what was typed and chosen
        form.add_error(None, str(e))
        draft = _keep_for_correction(draft, files)
        return _form_again(request, form, draft, [], status=503)
    if draft:
        tokens.draft_discard(draft=draft)
    token = tokens.token_issue(
        kind="receipt", data={"receipt": receipt}, seconds=tokens.RECEIPT_SECONDS
    )
    response = _redirect(request, "intake:receipt")
    _set_token_cookie(response, RECEIPT_COOKIE, token)
    return response


def _form_again(request, form, draft: str, file_problems, *, status: int):
    return render(
        request,
        "intake/report_form.html",
        _ctx(
            request,
            form=form,
            file_problems=file_problems,
            draft=draft,
            kept_files=tokens.draft_list(draft=draft) if draft else [],
        ),
        status=status,
    )


@require_http_methods(["GET"])
@public_page
def receipt(request):
    """The receipt, after the form's redirect: shown while its token lives (a reload shows
    it again, sends nothing), gone once the relative says it is written down."""
    data = tokens.token_read(kind="receipt", token=request.COOKIES.get(RECEIPT_COOKIE, ""))
    if data is None:
        response = render(request, "intake/receipt_gone.html", _ctx(request), status=410)
        _drop_token_cookie(request, response, RECEIPT_COOKIE)
        return response
    words = data["receipt"].split()
    return render(
        request,
        "intake/receipt.html",
        _ctx(
            request,
            receipt=data["receipt"],
            receipt_words=words,
            minutes=tokens.RECEIPT_SECONDS // 60,
        ),
    )


@require_http_methods(["POST"])
@public_page
def receipt_done(request):
    """ "I have written it down": the receipt is forgotten now."""
    response = _redirect(request, "intake:inbox")
    _drop_token_cookie(request, response, RECEIPT_COOKIE)
    return response


def _open(request):
    """(access, error page response) for the receipt in the POST body."""
    receipt = request.POST.get("receipt", "")
    pending = request.POST.get("pending", "")
    try:
        access = report_open(receipt=receipt)
    except ReceiptUnreadable as e:
        return None, render(
            request,
            "intake/inbox_login.html",
            _ctx(request, error=receipt_unreadable_text(e), pending=pending),
            status=400,
        )
    except ReceiptThrottled:
        return None, render(
            request,
            "intake/inbox_login.html",
            _ctx(
                request,
                pending=pending,
                error=receipt_throttled_text(),
            ),
            status=429,
        )
    if access is None:
        return None, render(
            request,
            "intake/inbox_login.html",
            _ctx(
                request,
                pending=pending,
                error=receipt_wrong_text(),
            ),
            status=404,
        )
    return access, None


def _inbox_access(request, *, take_pending: bool = False):
    """The report the inbox cookie holds open (kept open a while longer), or None; and with
    `take_pending` the text the relative wrote before the inbox timed out, handed out once."""
    token = request.COOKIES.get(INBOX_COOKIE, "")
    data = tokens.token_read(kind="inbox", token=token, extend=tokens.INBOX_SECONDS)
    if data is None:
        return None, ""
    access = reporter_access(report_id=data["report"], key=bytes.fromhex(data["key"]))
    pending = data.pop("pending", "") if take_pending else ""
    if pending:
        tokens.token_write(kind="inbox", token=token, data=data)
    return access, pending


def _described(view) -> dict:
    """The "Приметы" the report holds, as the inbox form's initial values."""
    return {f"description_{k}": v for k, v in view.private.get("description", {}).items()}


def _inbox(request, access, *, status=200, form=None, **extra):
    view = report_decrypt(access.report, access.key)
    form = form or MessageForm(initial=_described(view))
    return render(
        request,
        "intake/inbox.html",
        _ctx(
            request,
            view=view,
            state=reporter_state(access.report),
            form=form,
            reviews=family_reviews_for(report=access.report, key=access.key),
            **extra,
        ),
        status=status,
    )


@require_http_methods(["GET", "POST"])
@public_page
def inbox(request):
    if request.method == "GET":
        access, pending = _inbox_access(request, take_pending=True)
        if access is None:
            return render(request, "intake/inbox_login.html", _ctx(request))
        form = None
        if pending:
            view = report_decrypt(access.report, access.key)
            form = MessageForm(initial={**_described(view), "message": pending})
        return _inbox(
            request,
            access,
            form=form,
            added=request.GET.get("added") == "1",
            answered=request.GET.get("answered") == "1",
        )
    access, refused = _open(request)
    if refused:
        return refused
    # Text written before the inbox timed out comes back into the form, never lost.
    pending = request.POST.get("pending", "")[:20000]
    token = tokens.token_issue(
        kind="inbox",
        seconds=tokens.INBOX_SECONDS,
        data={"report": access.report.pk, "key": access.key.hex(), "pending": pending},
    )
    response = _redirect(request, "intake:inbox")
    _drop_token_cookie(request, response, INBOX_COOKIE)
    _set_token_cookie(response, INBOX_COOKIE, token)
    return response


@require_http_methods(["POST"])
@public_page
def inbox_add(request):
    access, _pending = _inbox_access(request)
    if access is None:
        # The inbox was closed (timed out, quick exit): ask for the receipt again and carry
        # what was written, so nothing is lost.
        return render(
            request,
            "intake/inbox_login.html",
            _ctx(
                request,
                pending=request.POST.get("message", "")[:20000],
                error=_(
                    "Your report was closed after %(n)d minutes without activity, to protect "
                    "you. Type your receipt again: what you wrote is kept."
                )
                % {"n": tokens.INBOX_SECONDS // 60},
            ),
            status=403,
        )
    form = MessageForm(request.POST)
    problems: list[str] = []
    text = ""
    try:
        text = clean_message(request.POST.get("message", ""))
    except ReportInvalid as e:
        problems.extend(e.errors.values())
    description = form.clean_description()
    if description is None:
        problems.append(_("Please check the marked fields under “Distinguishing features”."))
    elif description == report_decrypt(access.report, access.key).private.get("description", {}):
        description = None  # the form came back as it was shown: nothing new to store
    kept, files, file_problems, draft = _files_with_draft(request, [])
    problems.extend(file_problems)
    if not text and not files and not kept and description is None and not problems:
        problems.append(_("Write something or choose a file to add."))
    if problems:
        draft = _keep_for_correction(draft, files)
        return _inbox(
            request,
            access,
            form=form,
            problems=problems,
            status=400,
            draft=draft,
            kept_files=tokens.draft_list(draft=draft) if draft else [],
        )
    try:
        reporter_add(access=access, text=text, files=kept + files, description=description)
    except ReportBusy as e:  # nothing stored: the form again, with what was typed and chosen
        draft = _keep_for_correction(draft, files)
        return _inbox(
            request,
            access,
            form=form,
            problems=[str(e)],
            status=503,
            draft=draft,
            kept_files=tokens.draft_list(draft=draft) if draft else [],
        )
    if draft:
        tokens.draft_discard(draft=draft)
    return _redirect(request, "intake:inbox", added="1")


@require_http_methods(["GET", "POST"])
@public_page
def inbox_review(request, pk: int):
    """A selection staff prepared for this report: a warning first (GET), the descriptions
    only when the relative chooses to open them (`?open=1`), and their answer (POST)."""
    access, _pending = _inbox_access(request)
    if access is None:
        return render(request, "intake/inbox_login.html", _ctx(request), status=403)
    try:
        review = family_review_get(pk)
    except FamilyReview.DoesNotExist:
        review = None
    if review is None or review.report_id != access.report.pk:
        # Another report's selection is as unknown as a missing one.
        return render(request, "intake/inbox_login.html", _ctx(request), status=404)
    error = ""
    if request.method == "POST":
        try:
            family_review_answer(
                access=access,
                review=review,
                answer=request.POST.get("answer", ""),
                text=request.POST.get("text", "")[:20000],
            )
        except (ValidationError, ReportInvalid) as e:
            error = " ".join(e.messages if isinstance(e, ValidationError) else e.errors.values())
        else:
            return _redirect(request, "intake:inbox", answered="1")
    opened = request.method == "POST" or request.GET.get("open") == "1"
    return render(
        request,
        "intake/inbox_review.html",
        _ctx(
            request,
            item=review_decrypt(review, access.key),
            opened=opened,
            error=error,
            answers=FamilyAnswer.choices,
            chosen=request.POST.get("answer", ""),
            text=request.POST.get("text", ""),
        ),
        status=400 if error else 200,
    )


@require_http_methods(["GET"])
@public_page
def quick_exit(request):
    """Leave at once for a neutral site: the receipt and inbox tokens are forgotten, and the
    browser is asked to clear this site's cookies and cache (Clear-Site-Data)."""
    response = HttpResponseRedirect(settings.KINTRACE_QUICK_EXIT_URL)
    for name in (RECEIPT_COOKIE, INBOX_COOKIE):
        _drop_token_cookie(request, response, name)
    response["Clear-Site-Data"] = '"cache", "cookies"'
    return response


@require_http_methods(["GET"])
@public_page
def about_data(request):
    """What happens to the data a relative sends (true to docs/security.md)."""
    return render(request, "intake/about_data.html", _ctx(request))


@require_http_methods(["GET"])
@public_page
def landing(request):
    """The site root for anyone who is not logged in as staff: report, or read answers."""
    return render(request, "intake/landing.html", _ctx(request))

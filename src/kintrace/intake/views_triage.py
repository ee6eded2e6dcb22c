"""Staff triage: the queue of reports, one report decrypted with the persons the matching
engine suggests, linking it to a person (and his case), answering the reporter."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kintrace.accounts.access import staff_required
from kintrace.accounts.roles import NAME_ROLES
from kintrace.cases.models import CloseReason
from kintrace.registry.models import EventType, Person
from kintrace.registry.search import MAX_QUERY_CHARS
from kintrace.registry.selectors import person_get, person_search
from kintrace.remains.family.services import family_reviews_read
from kintrace.security.unlock import org_private_key_for, unlocked_required
from kintrace.web.middleware import SANDBOX_CSP
from kintrace.web.params import id_or_none

from .linking import Fact, report_create_person, report_facts, report_link
from .matching import suggest_persons
from .models import Attachment, Report
from .selectors import attachment_get, report_get, report_queue
from .services import (
    attachment_read,
    report_answer,
    report_close,
    report_mark_read,
    report_read,
)
from .validation import ReportInvalid, clean_message

MAX_FACTS = 30
FOUND_LIMIT = 20  # persons found by the caseworker's own search, offered beside the engine's
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "application/pdf": "pdf",
}


def _report_or_404(pk: int) -> Report:
    try:
        return report_get(pk)
    except Report.DoesNotExist:
        raise Http404 from None


@staff_required(*NAME_ROLES)
def queue(request):
    status = request.GET.get("status", Report.Status.NEW)
    if status not in Report.Status.values:
        status = Report.Status.NEW
    unread = request.GET.get("unread") == "1"
    return render(
        request,
        "intake/triage_queue.html",
        {
            "reports": report_queue(status="" if unread else status, unread=unread)[:500],
            "status": "" if unread else status,
            "statuses": Report.Status.choices,
            "unread": unread,
        },
    )


def _facts_from_post(post) -> list[Fact]:
    count = min(id_or_none(post.get("fact_count")) or 0, MAX_FACTS)
    facts = []
    for i in range(count):
        if post.get(f"fact-{i}-record") != "on":
            continue
        facts.append(
            Fact(
                type=post.get(f"fact-{i}-type", ""),
                date=post.get(f"fact-{i}-date", "")[:64],
                description=post.get(f"fact-{i}-description", "")[:2000],
            )
        )
    return facts


def _detail(request, report: Report, *, error: str = "", status: int = 200):
    org_private = org_private_key_for(request)
    view = report_read(report=report, org_private=org_private, actor=request.user)
    family = family_reviews_read(report=report, org_private=org_private, actor=request.user)
    facts = report_facts(view.private, written=timezone.localdate(report.created_at))
    facts.append(Fact(type=""))  # one empty row for a fact the caseworker adds
    suggestions = suggest_persons(report) if report.status == Report.Status.NEW else []
    # Anyone the registry search finds may be linked, not only the engine's proposals: a miss
    # of the engine must not force a duplicate person.
    person_query = request.GET.get("q", "").strip()[:MAX_QUERY_CHARS]
    found: list[Person] = []
    if person_query and report.status == Report.Status.NEW:
        found = person_search(person_query, limit=FOUND_LIMIT)
        suggested = {s.person.pk for s in suggestions}
        for person in found:
            person.also_suggested = person.pk in suggested
    response = render(
        request,
        "intake/triage_detail.html",
        {
            "report": report,
            "view": view,
            "facts": facts,
            "suggestions": suggestions,
            "event_types": EventType.choices,
            "error": error,
            "close_reasons": CloseReason.choices,
            "person_query": person_query,
            "found": found,
            "family": family,
        },
        status=status,
    )
    return response


@never_cache
@staff_required(*NAME_ROLES)
@unlocked_required
def detail(request, pk: int):
    return _detail(request, _report_or_404(pk))


@require_POST
@staff_required(*NAME_ROLES)
@unlocked_required
def link(request, pk: int):
    report = _report_or_404(pk)
    if report.status != Report.Status.NEW:
        messages.error(request, _("This report has already been triaged."))
        return redirect("intake:detail", pk=report.pk)
    facts = _facts_from_post(request.POST)
    choice = request.POST.get("person", "")
    try:
        if choice == "new":
            person = report_create_person(report=report, facts=facts, actor=request.user)
        else:
            try:
                # An id in ASCII digits only: int() would take "١٢" as 12.
                chosen = id_or_none(choice)
                if chosen is None:
                    raise Person.DoesNotExist
                person = person_get(chosen)
                if person.merged_into_id:
                    raise Person.DoesNotExist
            except Person.DoesNotExist:
                raise ValidationError(_("Choose a person or create a new one.")) from None
            report_link(report=report, person=person, facts=facts, actor=request.user)
    except ValidationError as e:
        return _detail(request, report, error=" ".join(e.messages), status=400)
    report = report_get(report.pk)
    messages.success(request, _("The report is linked and the case is open."))
    return redirect("cases:detail", pk=report.case_id)


@require_POST
@staff_required(*NAME_ROLES)
@unlocked_required
def answer(request, pk: int):
    report = _report_or_404(pk)
    try:
        text = clean_message(request.POST.get("message", ""))
    except ReportInvalid as e:
        return _detail(request, report, error=" ".join(e.errors.values()), status=400)
    if not text:
        return _detail(request, report, error=_("The answer is empty."), status=400)
    report_answer(
        report=report, text=text, org_private=org_private_key_for(request), actor=request.user
    )
    messages.success(request, _("Your answer is in the reporter's inbox."))
    if request.POST.get("next") == "case" and report.case_id:
        return redirect("cases:detail", pk=report.case_id)
    return redirect("intake:detail", pk=report.pk)


@require_POST
@staff_required(*NAME_ROLES)
def close(request, pk: int):
    report = _report_or_404(pk)
    try:
        report = report_close(
            report=report,
            reason=request.POST.get("reason", ""),
            shared=request.POST.get("share") == "on",
            actor=request.user,
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("intake:detail", pk=report.pk)
    messages.success(request, _("The report is closed."))
    return redirect("intake:detail", pk=report.pk)


@require_POST
@staff_required(*NAME_ROLES)
def mark_read(request, pk: int):
    """The reporter's new messages have been read; back to where the button was."""
    report = report_mark_read(report=_report_or_404(pk), actor=request.user)
    if request.POST.get("next") == "case" and report.case_id:
        return redirect("cases:detail", pk=report.case_id)
    return redirect("intake:detail", pk=report.pk)


@never_cache
@staff_required(*NAME_ROLES)
@unlocked_required
def attachment(request, pk: int):
    """The pixels-only viewing copy inline; or (?original=1) a warning page first, and with
    &confirmed=1 the unmodified evidence original as an opaque download."""
    try:
        item = attachment_get(pk)
    except Attachment.DoesNotExist:
        raise Http404 from None
    original = request.GET.get("original") == "1"
    if original and request.GET.get("confirmed") != "1":
        return render(request, "intake/attachment_original.html", {"attachment": item})
    data, meta = attachment_read(
        attachment=item,
        org_private=org_private_key_for(request),
        actor=request.user,
        original=original,
    )
    inline = meta["served_type"] in ("image/jpeg", "image/png") and not original
    # The original is offered as bytes to save, never as a type a browser would open itself.
    content_type = meta["served_type"] if inline else "application/octet-stream"
    response = HttpResponse(data, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    ext = EXTENSIONS.get(meta["served_type"], "bin")
    kind = "view" if inline else "original"
    response["Content-Disposition"] = f'{disposition}; filename="{kind}-{item.pk}.{ext}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    return response

"""Lists pages: upload, column mapping, import progress, match review, duplicates, merges.

Thin: parse, authorise (names are shown, so never for analysts), call a service, respond.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kintrace.accounts.access import staff_required
from kintrace.accounts.roles import NAME_ROLES
from kintrace.registry.models import sort_key
from kintrace.registry.selectors import conflicts_if_added, event_in_open_conflict
from kintrace.web.params import id_or_404

from . import selectors
from .forms import HeaderRowForm, MappingForm, UploadForm
from .models import (
    DuplicateCandidate,
    JobStatus,
    ListEntry,
    MatchCandidate,
    MatchRun,
    Merge,
    PersonList,
)
from .services import (
    ImportRefused,
    MergeError,
    ReviewError,
    candidate_confirm,
    candidate_reject,
    candidate_skip,
    dedupe_start,
    duplicate_decide,
    entry_create_person,
    jobs_housekeeping,
    jobs_reap_stale,
    list_delete,
    list_import_cancel,
    list_import_retry,
    list_import_start,
    list_set_header_row,
    list_upload,
    match_run,
    match_run_cancel,
    match_start,
    merge_undo,
)
from .services.imports import BACKGROUND_ROWS, stored_table

names_staff = staff_required(*NAME_ROLES)
REVIEW_AHEAD = 15


def _or_404(selector, pk: int, model):
    """selector(pk), or a 404 when there is no such row."""
    try:
        return selector(pk)
    except model.DoesNotExist:
        raise Http404 from None


@names_staff
def index(request):
    jobs_housekeeping()  # stale jobs shown as failed, abandoned drafts gone
    return render(
        request,
        "lists/index.html",
        {"lists": selectors.lists_overview(), "jobs": selectors.jobs_overview()},
    )


@names_staff
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        f = d["file"]
        limit = settings.KINTRACE_MAX_LIST_BYTES
        if f is not None and f.size > limit:
            form.add_error(
                "file",
                _(
                    "The file is %(size)s MB; lists up to %(limit)s MB can be "
                    "imported. Split it into parts."
                )
                % {"size": round(f.size / 2**20, 1), "limit": round(limit / 2**20, 1)},
            )
        else:
            data = f.read() if f is not None else d["pasted"].encode("utf-8")
            try:
                person_list, _table = list_upload(
                    data=data,
                    pasted=f is None,
                    filename=f.name if f is not None else "",
                    kind=d["kind"],
                    title=d["title"],
                    publisher=d["publisher"],
                    url=d["url"],
                    date=d["date"],
                    reliability=d["reliability"],
                    credibility=d["credibility"],
                    actor=request.user,
                )
            except ImportRefused as e:
                form.add_error(None, str(e))
            else:
                return redirect("lists:detail", pk=person_list.pk)
    return render(request, "lists/upload.html", {"form": form})


def _preview(person_list: PersonList):
    try:
        table = stored_table(person_list)
    except (OSError, ValueError):
        return [], 0, []
    return (list(zip(table.lines[:10], table.rows[:10], strict=True)), len(table.rows), table.notes)


@names_staff
def detail(request, pk: int):
    jobs_reap_stale(person_list=PersonList(pk=pk))
    person_list = _or_404(selectors.list_get, pk, PersonList)
    ctx = {
        "pl": person_list,
        "running": person_list.status in (JobStatus.QUEUED, JobStatus.RUNNING),
        # the header's spreadsheet line as found or chosen (0: none); lists stored before the
        # header search had theirs on line 1
        "header_line": person_list.source_info.get("header_row", 1),
    }
    if person_list.status in (JobStatus.DRAFT, JobStatus.FAILED):
        initial = {k: str(v) for k, v in person_list.mapping.items()}
        ctx["form"] = MappingForm(header=person_list.header, initial=initial)
        ctx["preview"], ctx["row_total"], ctx["notes"] = _preview(person_list)
        ctx["header_form"] = HeaderRowForm(
            initial={"header_row": person_list.source_info.get("header_row", 1)}
        )
    if person_list.status == JobStatus.DONE:
        ctx["counts"] = selectors.list_counts(person_list)
        ctx["match_running"] = selectors.running_match(person_list)
        ctx["last_match"] = selectors.last_match(person_list)
        ctx["matched"] = selectors.match_finished(person_list)
    ctx["refresh"] = ctx["running"] or bool(ctx.get("match_running"))
    return render(request, "lists/detail.html", ctx)


@names_staff
@require_POST
def start_import(request, pk: int):
    person_list = get_object_or_404(PersonList, pk=pk)
    form = MappingForm(request.POST, header=person_list.header)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Bad mapping."))
    try:
        list_import_start(person_list=person_list, mapping=form.mapping(), actor=request.user)
    except ImportRefused as e:
        messages.error(request, str(e))
    return redirect("lists:detail", pk=pk)


@names_staff
@require_POST
def header_row(request, pk: int):
    person_list = get_object_or_404(PersonList, pk=pk)
    form = HeaderRowForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, " ".join(map(str, form.errors.get("header_row", [_("Bad line number.")])))
        )
        return redirect("lists:detail", pk=pk)
    try:
        list_set_header_row(
            person_list=person_list, header_row=form.cleaned_data["header_row"], actor=request.user
        )
    except ImportRefused as e:
        messages.error(request, str(e))
    return redirect("lists:detail", pk=pk)


@names_staff
@require_POST
def match(request, pk: int):
    person_list = get_object_or_404(PersonList, pk=pk, status=JobStatus.DONE)
    try:
        if person_list.entry_count > BACKGROUND_ROWS:
            match_start(person_list=person_list, actor=request.user)
            messages.info(request, _("The match run started; this page updates itself."))
        else:
            run = match_run(person_list=person_list, actor=request.user)
            if run.status == JobStatus.DONE:
                messages.success(
                    request, _("%(n)s candidates to review.") % {"n": run.candidate_count}
                )
                return redirect("lists:review", pk=pk)
    except ImportRefused as e:
        messages.info(request, str(e))
    return redirect("lists:detail", pk=pk)


@names_staff
@require_POST
def retry(request, pk: int):
    person_list = get_object_or_404(PersonList, pk=pk)
    try:
        list_import_retry(person_list=person_list, actor=request.user)
    except ImportRefused as e:
        messages.error(request, str(e))
    return redirect("lists:detail", pk=pk)


@names_staff
@require_POST
def cancel(request, pk: int):
    person_list = get_object_or_404(PersonList, pk=pk)
    try:
        outcome = list_import_cancel(person_list=person_list, actor=request.user)
    except ImportRefused as e:
        messages.error(request, str(e))
        return redirect("lists:detail", pk=pk)
    if outcome == "stopping":
        messages.info(request, _("The import is stopping; the list will be discarded."))
        return redirect("lists:detail", pk=pk)
    messages.success(request, _("The list was discarded."))
    return redirect("lists:index")


@names_staff
def delete(request, pk: int):
    """A list whose import failed or never started: GET asks (works without JavaScript), POST
    deletes it with its stored file (audited)."""
    jobs_reap_stale(person_list=PersonList(pk=pk))
    person_list = get_object_or_404(PersonList, pk=pk)
    deletable = person_list.status in (JobStatus.DRAFT, JobStatus.FAILED)
    if request.method == "POST" and deletable:
        try:
            list_delete(person_list=person_list, actor=request.user)
        except ImportRefused as e:
            messages.error(request, str(e))
            return redirect("lists:detail", pk=pk)
        messages.success(
            request, _("The list “%(title)s” was deleted.") % {"title": person_list.title}
        )
        return redirect("lists:index")
    if request.method == "POST":
        messages.error(
            request, _("Only a list whose import failed or never started can be deleted.")
        )
        return redirect("lists:detail", pk=pk)
    return render(request, "lists/delete.html", {"pl": person_list, "deletable": deletable})


@names_staff
@require_POST
def cancel_run(request, pk: int):
    run = get_object_or_404(MatchRun, pk=pk)
    try:
        match_run_cancel(run=run, actor=request.user)
    except ImportRefused as e:
        messages.error(request, str(e))
    else:
        messages.info(request, _("The match run is stopping."))
    if run.person_list_id:
        return redirect("lists:detail", pk=run.person_list_id)
    return redirect("lists:duplicates")


@names_staff
def review(request, pk: int):
    person_list = get_object_or_404(PersonList, pk=pk, status=JobStatus.DONE)
    skipped = request.GET.get("skipped") == "1"
    queue = selectors.review_queue(person_list, skipped=skipped)
    ahead = list(
        queue.select_related("entry", "person").prefetch_related("person__names")[:REVIEW_AHEAD]
    )
    wanted = request.GET.get("c")
    current_pk = id_or_404(wanted) if wanted else (ahead[0].pk if ahead else None)
    current = None
    if current_pk is not None:
        try:
            current = selectors.candidate_for_review(current_pk)
        except MatchCandidate.DoesNotExist:
            raise Http404 from None
        if current.entry.person_list_id != person_list.pk:
            raise Http404
    ids = [c.pk for c in ahead]
    pos = ids.index(current.pk) if current and current.pk in ids else -1
    ctx = {
        "pl": person_list,
        "current": current,
        "ahead": ahead,
        "skipped": skipped,
        "reasons": selectors.explain(current.explanation) if current else [],
        "remaining": queue.count(),
        "prev_pk": ids[pos - 1] if pos > 0 else None,
        "next_pk": ids[pos + 1] if 0 <= pos < len(ids) - 1 else None,
        "other_candidates": selectors.other_candidates(current) if current else [],
    }
    if current is not None:
        e, source = current.entry, person_list.source
        # What confirming would contradict (a hospital admission after a recorded death):
        # the reviewer is told before, and a coordinator decides after.
        ctx["would_conflict"] = conflicts_if_added(
            current.person,
            event_type=person_list.event_type,
            start_sort=sort_key(e.event_year, e.event_month, e.event_day) if e.event_year else 0,
            well_sourced=bool(source and source.well_sourced),
        )
    return render(request, "lists/review.html", ctx)


@names_staff
@require_POST
def decide(request, pk: int):
    candidate = _or_404(selectors.candidate_get, pk, MatchCandidate)
    action = {"confirm": candidate_confirm, "reject": candidate_reject, "skip": candidate_skip}.get(
        request.POST.get("decision", "")
    )
    if action is None:
        return HttpResponseBadRequest(_("Unknown decision."))
    try:
        outcome = action(candidate=candidate, actor=request.user)
    except (ReviewError, ValidationError) as e:
        messages.error(request, " ".join(getattr(e, "messages", [str(e)])))
    else:
        if request.POST["decision"] == "confirm":
            messages.success(request, _("Confirmed: the event is on the person’s timeline."))
            if event_in_open_conflict(outcome):
                messages.warning(
                    request,
                    _(
                        "It contradicts a recorded death: flagged as "
                        "conflicting evidence for a coordinator."
                    ),
                )
    url = reverse("lists:review", kwargs={"pk": candidate.entry.person_list_id})
    if request.POST.get("skipped") == "1":
        url += "?skipped=1"
    return redirect(url)


@names_staff
def unmatched(request, pk: int):
    person_list = get_object_or_404(PersonList, pk=pk, status=JobStatus.DONE)
    entries = selectors.unmatched_entries(person_list)
    return render(
        request,
        "lists/unmatched.html",
        {
            "pl": person_list,
            "entries": entries[:200],
            "total": entries.count(),
            # before a match run finished, "without a match" would say the registry was
            # searched and held nobody
            "matched": selectors.match_finished(person_list),
        },
    )


@names_staff
@require_POST
def new_person(request, pk: int):
    entry = _or_404(selectors.entry_visible_get, pk, ListEntry)
    try:
        person = entry_create_person(entry=entry, actor=request.user)
    except (ReviewError, ValidationError) as e:
        messages.error(request, " ".join(getattr(e, "messages", [str(e)])))
        return redirect("lists:unmatched", pk=entry.person_list_id)
    messages.success(
        request,
        _("Person #%(id)s created from line %(line)s.") % {"id": person.pk, "line": entry.line},
    )
    return redirect("lists:unmatched", pk=entry.person_list_id)


@names_staff
def duplicates(request):
    skipped = request.GET.get("skipped") == "1"
    queue = selectors.duplicate_queue(skipped=skipped)
    first = queue.first()
    current = selectors.duplicate_for_review(first.pk) if first else None
    jobs_reap_stale()  # a search whose process died reads as failed, not running forever
    run = selectors.dedupe_last()
    running = run is not None and run.status in (JobStatus.QUEUED, JobStatus.RUNNING)
    return render(
        request,
        "lists/duplicates.html",
        {
            "current": current,
            "remaining": queue.count(),
            "skipped": skipped,
            "reasons": selectors.explain(current.explanation) if current else [],
            "run": run,
            "running": running,
            "refresh": running,
        },
    )


@names_staff
@require_POST
def dedupe(request):
    try:
        dedupe_start(actor=request.user)
    except ImportRefused as e:
        messages.info(request, str(e))
    else:
        messages.info(request, _("The duplicate search started; this page updates itself."))
    return redirect("lists:duplicates")


@names_staff
@require_POST
def duplicate_decision(request, pk: int):
    candidate = get_object_or_404(DuplicateCandidate, pk=pk)
    decision = request.POST.get("decision", "")
    if decision not in ("merge", "reject", "skip"):
        return HttpResponseBadRequest(_("Unknown decision."))
    try:
        merge = duplicate_decide(
            candidate=candidate,
            decision=decision,
            actor=request.user,
            keep=request.POST.get("keep", "a"),
        )
    except MergeError as e:
        messages.error(request, str(e))
    else:
        if merge:
            messages.success(
                request,
                _("Merged #%(m)s into #%(s)s. This can be undone on the merges page.")
                % {"m": merge.merged_id, "s": merge.survivor_id},
            )
    return redirect("lists:duplicates")


@names_staff
def merges(request):
    return render(request, "lists/merges.html", {"merges": selectors.merges_recent()})


@names_staff
@require_POST
def undo(request, pk: int):
    merge = get_object_or_404(Merge, pk=pk)
    try:
        merge_undo(merge=merge, actor=request.user)
    except MergeError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("The merge was undone."))
    return redirect("lists:merges")

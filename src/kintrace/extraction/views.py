"""Staff pages of text extraction: parse, authorise, extract or call a service, respond.

The paste page's POST only reads (it extracts and shows; nothing is stored, the text is not
kept anywhere), so it answers with the page; the accept POSTs write and redirect."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kintrace.accounts.access import staff_required
from kintrace.accounts.roles import NAME_ROLES
from kintrace.intake.models import Report, Sender
from kintrace.intake.selectors import report_get
from kintrace.intake.services import report_read
from kintrace.registry.models import Source
from kintrace.registry.selectors import source_get
from kintrace.security.unlock import org_private_key_for, unlocked_required
from kintrace.web.params import id_or_none

from . import selectors, services
from .forms import (
    ArticleForm,
    EventAcceptForm,
    FacilityAcceptForm,
    NameAcceptForm,
    PasteForm,
    PhoneAcceptForm,
)


def _dismissed(values) -> frozenset[int]:
    return frozenset(n for n in (id_or_none(v) for v in values) if n is not None)


def _query(dismissed, who: str) -> str:
    """The GET query that keeps a page's dismissals and name search."""
    pairs = [("dismissed", str(n)) for n in sorted(dismissed)]
    return urlencode(pairs + ([("who", who)] if who else []))


def _facts_context(text, *, lang, today, dismissed, source=None, who="") -> dict:
    """The highlighted text and, per acceptable fact, its accept form; with `who` (a name
    typed on the page) the forms offer the persons the registry's search finds for it."""
    _found, pieces, shown = selectors.text_facts(text, lang=lang, today=today, dismissed=dismissed)
    people = selectors.people_found(who)
    form_of = {
        "persons": NameAcceptForm,
        "events": EventAcceptForm,
        "phones": PhoneAcceptForm,
        "facilities": FacilityAcceptForm,
    }
    items = []
    for s in shown:
        form_class = form_of.get(s.fact.kind)
        form = (
            form_class(
                initial=s.initial, fixed_source=source, people=people, auto_id=f"f{s.number}_%s"
            )
            if form_class
            else None
        )
        items.append((s, form))
    return {
        "pieces": pieces,
        "items": items,
        "dismissed": sorted(dismissed),
        "source": source,
        "who": who,
        "people": people,
    }


@staff_required(*NAME_ROLES)
def paste(request):
    form = PasteForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        dismissed = _dismissed(request.POST.getlist("dismissed"))
        context |= _facts_context(
            d["text"], lang=d["lang"], today=d["date"], dismissed=dismissed, who=d["who"]
        )
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    return render(request, "extraction/paste.html", context, status=status)


def _accept(request, form, title, write):
    """Validate an accept form; on success run `write` (a service call) and redirect to what
    it returns; on a refusal say why on the page it would have gone to."""
    if not form.is_valid():
        return render(
            request,
            "registry/form.html",
            {"form": form, "title": title, "cancel": "extraction:paste"},
            status=400,
        )
    try:
        message, target = write(form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("extraction:paste")
    messages.success(request, message)
    return redirect(target)


@require_POST
@staff_required(*NAME_ROLES)
def accept_name(request):
    def write(d):
        services.person_name_accept(
            person=d["person"], text=d["name"], source=d["source"], actor=request.user
        )
        return _("Name added."), reverse("registry:person", kwargs={"pk": d["person"].pk})

    return _accept(request, NameAcceptForm(request.POST), _("Add the name to a person"), write)


@require_POST
@staff_required(*NAME_ROLES)
def accept_event(request):
    def write(d):
        services.event_accept(
            person=d["person"],
            source=d["source"],
            type=d["type"],
            start=d["date"],
            place_text=d["place_text"],
            quote=d["quote"],
            actor=request.user,
        )
        return _("Event added."), reverse("registry:person", kwargs={"pk": d["person"].pk})

    return _accept(request, EventAcceptForm(request.POST), _("Add the event to a person"), write)


@require_POST
@staff_required(*NAME_ROLES)
def accept_phone(request):
    def write(d):
        services.phone_accept(
            case=d["case"], phone=d["phone"], context=d["context"], actor=request.user
        )
        return _("Note added."), reverse("cases:detail", kwargs={"pk": d["case"].pk})

    return _accept(request, PhoneAcceptForm(request.POST), _("Keep the phone on a case"), write)


@require_POST
@staff_required(*NAME_ROLES)
def accept_facility(request):
    def write(d):
        services.facility_accept(
            type=d["type"],
            number=d["number"],
            region=d["region"],
            person=d["person"],
            case=d["case"],
            actor=request.user,
        )
        person = d["person"] or d["case"].person
        return _("Facility linked."), reverse("registry:person", kwargs={"pk": person.pk})

    return _accept(
        request, FacilityAcceptForm(request.POST), _("Link the facility to a person"), write
    )


@staff_required(*NAME_ROLES)
def article_create(request):
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        source = services.article_source_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Source added."))
        return redirect("extraction:source_text", pk=source.pk)
    return render(
        request,
        "registry/form.html",
        {"form": form, "title": _("New source from an article"), "cancel": "registry:sources"},
    )


@staff_required(*NAME_ROLES)
def source_text(request, pk: int):
    try:
        source = source_get(pk)
    except Source.DoesNotExist:
        raise Http404 from None
    kept = selectors.source_text_or_none(source.pk)
    context: dict[str, Any] = {"source": source, "kept": kept}
    if kept is not None:
        dismissed = _dismissed(request.GET.getlist("dismissed"))
        today = selectors.source_day(source)
        who = request.GET.get("who", "")[:200]
        context |= _facts_context(
            kept.text, lang=kept.lang, today=today, dismissed=dismissed, source=source, who=who
        )
        context["dismiss_query"] = _query(dismissed, who)
    return render(request, "extraction/source_text.html", context)


@staff_required(*NAME_ROLES)
@unlocked_required
def report_text(request, pk: int):
    """A report's message and the relative's follow-ups, decrypted in this request (an
    audited read, as triage's), with their facts marked; nothing extracted is stored."""
    try:
        report = report_get(pk)
    except Report.DoesNotExist:
        raise Http404 from None
    view = report_read(report=report, org_private=org_private_key_for(request), actor=request.user)
    private = view.private if isinstance(view.private, dict) else {}
    texts = [str(private.get("message") or "")]
    texts += [m.text for m in view.messages if m.sender == Sender.REPORTER]
    text = "\n\n".join(t for t in texts if t.strip())
    dismissed = _dismissed(request.GET.getlist("dismissed"))
    context = {"report": report, "has_text": bool(text.strip())}
    if text.strip():
        who = request.GET.get("who", "")[:200]
        context |= _facts_context(text, lang="auto", today=None, dismissed=dismissed, who=who)
        context["dismiss_query"] = _query(dismissed, who)
    return render(request, "extraction/report_text.html", context)

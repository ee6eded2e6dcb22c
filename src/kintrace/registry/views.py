"""Staff views of the registry: parse, authorise, call a service or selector, respond."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kintrace.accounts.access import staff_required
from kintrace.accounts.roles import ALL_ROLES, DECIDE_ROLES, DELETE_ROLES, NAME_ROLES
from kintrace.web.params import id_or_none

from . import selectors, services
from .forms import (
    CitationForm,
    ConflictForm,
    EventCreateForm,
    EventDeleteForm,
    EventForm,
    FacilityChoiceForm,
    FacilityForm,
    NameForm,
    PersonCreateForm,
    PersonEditForm,
    PersonFilterForm,
    SearchForm,
    SourceForm,
    initial_date,
)
from .likely import likely_duplicates
from .models import (
    Event,
    Facility,
    Person,
    Source,
)
from .search import MAX_QUERY_CHARS

SEARCH_LIMIT = 50
PAGE = 50  # rows of a list on one page
TIMELINE_PAGE = 100  # events on one page of a person's timeline


def _get(selector, pk):
    try:
        return selector(pk)
    except (Person.DoesNotExist, Facility.DoesNotExist, Source.DoesNotExist):
        raise Http404 from None


def _form_errors_from(form, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


def _read_only(request, person: Person):
    """A merged-away person takes no writes: say where he went, and send the reader there.
    None when the person is writable."""
    if not person.merged_into_id:
        return None
    messages.error(
        request,
        _("Person #%(id)s was merged into #%(into)s and is read-only; add this to #%(into)s.")
        % {"id": person.pk, "into": person.merged_into_id},
    )
    return redirect("registry:person", pk=person.pk)


def _page(request, items, per_page=50, param="page"):
    """One page of `items`; `param` names the GET parameter when a page shows two lists. A
    page number that is no number or past the end shows the first or the last page."""
    return Paginator(items, per_page).get_page(request.GET.get(param))


# --- persons ---------------------------------------------------------------------------


@staff_required(*NAME_ROLES)
def search(request):
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results = selectors.person_search(query, limit=SEARCH_LIMIT)
    left_out = results.query.words_left_out if results.query else 0
    return render(
        request,
        "registry/search.html",
        {
            "form": form,
            "query": query[:MAX_QUERY_CHARS],
            "results": results,
            "limit": SEARCH_LIMIT,
            "words_left_out": left_out,
        },
    )


@staff_required(*NAME_ROLES)
def person_list(request):
    form = PersonFilterForm(request.GET)
    page = _page(request, selectors.person_list(**form.filters()), per_page=PAGE)
    return render(request, "registry/person_list.html", {"page": page, "form": form})


@staff_required(*NAME_ROLES)
def person_detail(request, pk: int):
    person = _get(selectors.person_get, pk)
    timeline = _page(
        request, selectors.person_timeline(person), per_page=TIMELINE_PAGE, param="events_page"
    )
    for e in timeline:
        if e.facility_text:
            e.facility_form = FacilityChoiceForm(
                choices=selectors.facility_choices(e.facility_text)
            )
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "names": list(person.names.all()),
            "timeline": timeline,
            "decision": selectors.person_status_explain(person),
            "name_form": NameForm(),
            "can_delete": request.user.role in DELETE_ROLES,
            "casework": selectors.person_casework(person),
            "can_decide": request.user.role in DECIDE_ROLES,
            "read_only": bool(person.merged_into_id),
            "deletions": selectors.person_deletions(person),
            "conflicts": selectors.person_open_conflicts(person),
            "conflict_form": ConflictForm(),
            "facility_form": FacilityChoiceForm(
                choices=selectors.facility_choices(person.last_facility_text)
            )
            if person.last_facility_text
            else None,
        },
    )


@staff_required(*NAME_ROLES)
def person_create(request):
    form = PersonCreateForm(request.POST or None)
    likely = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        # The matching engine's warning: the same man may be in the registry already. Saving
        # anyway needs "a different man" said about every person shown, and is recorded.
        likely = likely_duplicates(name=d["name"], birth=d["birth"], facility=d["last_facility"])
        # The boxes ticked under the warning: "this is a different man".
        said_different = {
            pk for pk in map(id_or_none, request.POST.getlist("different_from")) if pk is not None
        }
        if not likely or {x.person.pk for x in likely} <= said_different:
            try:
                person = services.person_create(
                    name=d["name"],
                    name_source=d["name_source"],
                    birth=d["birth"],
                    sex=d["sex"] or None,
                    call_sign=d["call_sign"],
                    token_number=d["token_number"],
                    last_facility=d["last_facility"],
                    notes=d["notes"],
                    actor=request.user,
                    distinct_from=[x.person for x in likely],
                )
            except ValidationError as exc:
                _form_errors_from(form, exc)
            else:
                messages.success(request, _("Person added."))
                return redirect("registry:person", pk=person.pk)
    return render(
        request,
        "registry/person_create.html",
        {"form": form, "title": _("New person"), "cancel": "registry:persons", "likely": likely},
    )


@staff_required(*NAME_ROLES)
def person_edit(request, pk: int):
    person = _get(selectors.person_get, pk)
    if refused := _read_only(request, person):
        return refused
    initial = {
        "birth": initial_date(person, "birth"),
        "sex": person.sex,
        "call_sign": person.call_sign,
        "token_number": person.token_number,
        "last_facility": person.last_facility_id,
        "notes": person.notes,
    }
    form = PersonEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            d = form.cleaned_data
            services.person_update(
                person=person,
                actor=request.user,
                birth=d["birth"],
                sex=d["sex"],
                call_sign=d["call_sign"],
                token_number=d["token_number"],
                last_facility=d["last_facility"],
                notes=d["notes"],
            )
        except ValidationError as exc:  # merged while the form was open
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
        return redirect("registry:person", pk=person.pk)
    return render(
        request,
        "registry/form.html",
        {"form": form, "title": _("Edit %(name)s") % {"name": person}, "back": person},
    )


@staff_required(*NAME_ROLES)
@require_POST
def person_name_add(request, pk: int):
    person = _get(selectors.person_get, pk)
    if refused := _read_only(request, person):
        return refused
    form = NameForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.person_name_add(
                person=person,
                text=d["text"],
                source=d["source"],
                is_primary=d["is_primary"],
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Name added."))
        return redirect("registry:person", pk=person.pk)
    return render(
        request,
        "registry/form.html",
        {"form": form, "title": _("Add a spelling"), "back": person},
        status=400,
    )


# --- events ----------------------------------------------------------------------------


@staff_required(*NAME_ROLES)
def event_create(request, person_pk: int):
    person = _get(selectors.person_get, person_pk)
    if refused := _read_only(request, person):
        return refused
    form = EventCreateForm(
        request.POST or None,
        initial={
            "facility": person.last_facility_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        citations = [(d["source"], d["quote"])] if d["source"] else []
        try:
            services.event_create(
                type=d["type"],
                start=d["start"],
                end=d["end"],
                facility=d["facility"],
                region=d["region"],
                place_text=d["place_text"],
                description=d["description"],
                persons=[(person, d["role"])],
                citations=citations,
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Event added."))
        return redirect("registry:person", pk=person.pk)
    return render(
        request,
        "registry/form.html",
        {"form": form, "title": _("New event for %(name)s") % {"name": person}, "back": person},
    )


def _event_or_404(pk: int) -> Event:
    event = selectors.event_or_none(pk)
    if event is None:
        raise Http404
    return event


def _event_back(request, event: Event):
    """Back to the person the form was opened from, else to the event's first person."""
    person_pk = id_or_none(request.GET.get("person") or request.POST.get("person"))
    if person_pk is not None:
        return redirect("registry:person", pk=person_pk)
    first = event.participants.first()
    return (
        redirect("registry:person", pk=first.person_id) if first else redirect("registry:persons")
    )


@staff_required(*NAME_ROLES)
def event_edit(request, pk: int):
    event = _event_or_404(pk)
    initial = {
        "type": event.type,
        "start": initial_date(event, "start"),
        "end": initial_date(event, "end"),
        "facility": event.facility_id,
        "region": event.region_id,
        "place_text": event.place_text,
        "description": event.description,
    }
    form = EventForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        services.event_update(
            event=event,
            actor=request.user,
            type=d["type"],
            start=d["start"],
            end=d["end"],
            facility=d["facility"],
            region=d["region"],
            place_text=d["place_text"],
            description=d["description"],
        )
        messages.success(request, _("Saved."))
        return _event_back(request, event)
    return render(
        request,
        "registry/event_form.html",
        {
            "form": form,
            "event": event,
            "citation_form": CitationForm(),
            "citations": event.citations.select_related("source"),
            "person_pk": id_or_none(request.GET.get("person")) or "",
        },
    )


@staff_required(*NAME_ROLES)
@require_POST
def citation_add(request, pk: int):
    event = _event_or_404(pk)
    form = CitationForm(request.POST)
    if form.is_valid():
        services.event_citation_add(
            event=event,
            source=form.cleaned_data["source"],
            quote=form.cleaned_data["quote"],
            actor=request.user,
        )
        messages.success(request, _("Source added to the event."))
    else:
        messages.error(request, _("Choose a source."))
    return _event_back(request, event)


@staff_required(*NAME_ROLES)
@require_POST
def citation_remove(request, pk: int):
    citation = selectors.citation_or_none(pk)
    if citation is None:
        raise Http404
    event = citation.event
    services.citation_remove(citation=citation, actor=request.user)
    messages.success(request, _("Source removed from the event."))
    return _event_back(request, event)


@staff_required(*DELETE_ROLES)
def event_delete(request, pk: int):
    """GET: what is about to go, and a reason to give (works without JavaScript); POST:
    delete it (kept whole, restorable from the person's history)."""
    event = _event_or_404(pk)
    # An empty POST (no reason given) is still a POST: the reason is optional.
    form = EventDeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        response = _event_back(request, event)
        services.event_delete(event=event, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(
            request, _("Event deleted. It can be restored from the person’s history below.")
        )
        return response
    return render(
        request,
        "registry/event_delete.html",
        {
            "form": form,
            "event": event,
            "citations": event.citations.select_related("source"),
            "persons": [ep.person for ep in event.participants.select_related("person")],
            "person_pk": id_or_none(request.GET.get("person") or request.POST.get("person")) or "",
        },
    )


@staff_required(*DELETE_ROLES)
@require_POST
def event_restore(request, pk: int):
    deletion = selectors.deletion_or_none(pk)
    if deletion is None:
        raise Http404
    try:
        event = services.event_restore(deletion=deletion, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        person_pk = id_or_none(request.POST.get("person"))
        return (
            redirect("registry:person", pk=person_pk) if person_pk else redirect("registry:persons")
        )
    messages.success(request, _("The event was restored."))
    return _event_back(request, event)


@staff_required(*NAME_ROLES)
@require_POST
def facility_resolve(request, pk: int):
    """Choose the facility an ambiguous text meant: ?event=<id> for an event's, else the
    person's last known facility."""
    person = _get(selectors.person_get, pk)
    event_pk = id_or_none(request.POST.get("event"))
    event = None
    if event_pk is not None:
        event = selectors.event_or_none(event_pk, person=person)
        if event is None:
            raise Http404
    text = event.facility_text if event else person.last_facility_text
    form = FacilityChoiceForm(request.POST, choices=selectors.facility_choices(text))
    if not form.is_valid():
        messages.error(request, _("Choose one of the facilities offered."))
        return redirect("registry:person", pk=person.pk)
    try:
        services.facility_resolve(
            facility=form.cleaned_data["facility"],
            actor=request.user,
            **({"event": event} if event else {"person": person}),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Facility set."))
    return redirect("registry:person", pk=person.pk)


@staff_required(*NAME_ROLES)
def conflicts(request):
    """The review queue of conflicting evidence: a well-sourced death, then a sign of life."""
    return render(
        request,
        "registry/conflicts.html",
        {
            "page": _page(request, selectors.conflicts_open()),
            "can_decide": request.user.role in DECIDE_ROLES,
            "conflict_form": ConflictForm(),
        },
    )


@staff_required(*DECIDE_ROLES)
@require_POST
def conflict_resolve(request, pk: int):
    conflict = selectors.conflict_or_none(pk)
    if conflict is None:
        raise Http404
    form = ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose which of the two reports stands."))
    else:
        try:
            services.conflict_resolve(
                conflict=conflict,
                state=form.cleaned_data["state"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Decided; the status was derived again."))
    if request.POST.get("back") == "queue":
        return redirect("registry:conflicts")
    return redirect("registry:person", pk=conflict.person_id)


# --- facilities ------------------------------------------------------------------------


@staff_required(*ALL_ROLES)
def facility_list(request):
    page = _page(request, selectors.facility_list(), per_page=100)
    return render(request, "registry/facility_list.html", {"page": page})


@staff_required(*NAME_ROLES)
def facility_detail(request, pk: int):
    facility = _get(selectors.facility_get, pk)
    summary = selectors.facility_summary(facility)
    return render(
        request,
        "registry/facility_detail.html",
        {
            "summary": summary,
            "facility": facility,
            "persons": _page(request, summary["persons"], per_page=PAGE, param="persons_page"),
            "events": _page(request, summary["events"], per_page=PAGE, param="events_page"),
        },
    )


def _facility_form_save(request, form, facility=None):
    d = form.cleaned_data
    try:
        if facility is None:
            facility = services.facility_create(
                actor=request.user,
                type=d["type"],
                number=d["number"],
                regime=d["regime"],
                region=d["region"],
                official_name=d["official_name"],
                other_names=d["other_names"],
            )
        else:
            facility = services.facility_update(
                facility=facility,
                actor=request.user,
                type=d["type"],
                number=d["number"],
                regime=d["regime"],
                region=d["region"],
                official_name=d["official_name"],
                other_names=d["other_names"],
            )
    except ValidationError as exc:
        _form_errors_from(form, exc)
        return None
    messages.success(request, _("Saved."))
    return redirect("registry:facility", pk=facility.pk)


@staff_required(*NAME_ROLES)
def facility_create(request):
    form = FacilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = _facility_form_save(request, form)
        if response:
            return response
    return render(
        request,
        "registry/form.html",
        {"form": form, "title": _("New facility"), "cancel": "registry:facilities"},
    )


@staff_required(*NAME_ROLES)
def facility_edit(request, pk: int):
    facility = _get(selectors.facility_get, pk)
    initial = {
        "type": facility.type,
        "number": facility.number,
        "regime": facility.regime,
        "region": facility.region_id,
        "official_name": facility.official_name,
        "other_names": "\n".join(facility.other_names or []),
    }
    form = FacilityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        response = _facility_form_save(request, form, facility)
        if response:
            return response
    return render(
        request,
        "registry/form.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": facility},
            "cancel": "registry:facilities",
        },
    )


# --- sources ---------------------------------------------------------------------------


@staff_required(*NAME_ROLES)
def source_list(request):
    query = request.GET.get("q", "").strip()[:200]
    page = _page(request, selectors.source_list(query=query))
    return render(request, "registry/source_list.html", {"page": page, "query": query})


@staff_required(*NAME_ROLES)
def source_detail(request, pk: int):
    source = _get(selectors.source_get, pk)
    return render(
        request,
        "registry/source_detail.html",
        {
            "source": source,
            "events": _page(
                request, selectors.source_events(source), per_page=PAGE, param="events_page"
            ),
        },
    )


@staff_required(*NAME_ROLES)
def source_create(request):
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        source = services.source_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Source added."))
        return redirect("registry:source", pk=source.pk)
    return render(
        request,
        "registry/form.html",
        {"form": form, "title": _("New source"), "cancel": "registry:sources"},
    )


@staff_required(*NAME_ROLES)
def source_edit(request, pk: int):
    source = _get(selectors.source_get, pk)
    initial = {
        "kind": source.kind,
        "title": source.title,
        "publisher": source.publisher,
        "url": source.url,
        "date": initial_date(source, "date"),
        "reliability": source.reliability,
        "credibility": source.credibility,
    }
    form = SourceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        services.source_update(
            source=source,
            actor=request.user,
            kind=d["kind"],
            title=d["title"],
            publisher=d["publisher"],
            url=d["url"],
            date=d["date"],
            reliability=d["reliability"],
            credibility=d["credibility"],
        )
        messages.success(request, _("Saved."))
        return redirect("registry:source", pk=source.pk)
    return render(
        request,
        "registry/form.html",
        {"form": form, "title": _("Edit source"), "cancel": "registry:sources"},
    )

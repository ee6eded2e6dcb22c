"""Staff views of the registry: parse, authorise, call a service or selector, respond."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kintrace.accounts.access import ALL_ROLES, NAME_ROLES, staff_required
from kintrace.accounts.models import Role
from kintrace.web.params import id_or_none

from . import selectors, services
from .forms import (
    CitationForm,
    EventCreateForm,
    EventForm,
    FacilityForm,
    NameForm,
    PersonCreateForm,
    PersonEditForm,
    PersonFilterForm,
    SearchForm,
    SourceForm,
    initial_date,
)
from .models import Citation, Event, Facility, Person, Source
from .search import MAX_QUERY_CHARS

SEARCH_LIMIT = 50
PAGE = 50  # rows of a list on one page
TIMELINE_PAGE = 100  # events on one page of a person's timeline

# Removing an event changes a person's story; only those who coordinate may do it.
DELETE_ROLES = (Role.ADMIN, Role.COORDINATOR)


def _get(selector, pk):
    try:
        return selector(pk)
    except (Person.DoesNotExist, Facility.DoesNotExist, Source.DoesNotExist):
        raise Http404 from None


def _form_errors_from(form, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


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
    return render(request, "registry/search.html", {
        "form": form, "query": query[:MAX_QUERY_CHARS], "results": results,
        "limit": SEARCH_LIMIT, "words_left_out": left_out,
    })


@staff_required(*NAME_ROLES)
def person_list(request):
    form = PersonFilterForm(request.GET)
    page = _page(request, selectors.person_list(**form.filters()), per_page=PAGE)
    return render(request, "registry/person_list.html", {"page": page, "form": form})


@staff_required(*NAME_ROLES)
def person_detail(request, pk: int):
    person = _get(selectors.person_get, pk)
    return render(request, "registry/person_detail.html", {
        "person": person,
        "names": list(person.names.all()),
        "timeline": _page(request, selectors.person_timeline(person), per_page=TIMELINE_PAGE,
                          param="events_page"),
        "decision": selectors.person_status_explain(person),
        "name_form": NameForm(),
        "can_delete": request.user.role in DELETE_ROLES,
        "casework": selectors.person_casework(person),
    })


@staff_required(*NAME_ROLES)
def person_create(request):
    form = PersonCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            person = services.person_create(
                name=d["name"], name_source=d["name_source"], birth=d["birth"],
                sex=d["sex"] or None, call_sign=d["call_sign"], token_number=d["token_number"],
                last_facility=d["last_facility"], notes=d["notes"], actor=request.user,
            )
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            messages.success(request, _("Person added."))
            return redirect("registry:person", pk=person.pk)
    return render(request, "registry/form.html",
                  {"form": form, "title": _("New person"), "cancel": "registry:persons"})


@staff_required(*NAME_ROLES)
def person_edit(request, pk: int):
    person = _get(selectors.person_get, pk)
    initial = {
        "birth": initial_date(person, "birth"), "sex": person.sex,
        "call_sign": person.call_sign, "token_number": person.token_number,
        "last_facility": person.last_facility_id, "notes": person.notes,
    }
    form = PersonEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.person_update(person=person, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("registry:person", pk=person.pk)
    return render(request, "registry/form.html",
                  {"form": form, "title": _("Edit %(name)s") % {"name": person},
                   "back": person})


@staff_required(*NAME_ROLES)
@require_POST
def person_name_add(request, pk: int):
    person = _get(selectors.person_get, pk)
    form = NameForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        services.person_name_add(person=person, text=d["text"], source=d["source"],
                                 is_primary=d["is_primary"], actor=request.user)
        messages.success(request, _("Name added."))
        return redirect("registry:person", pk=person.pk)
    return render(request, "registry/form.html",
                  {"form": form, "title": _("Add a spelling"), "back": person}, status=400)


# --- events ----------------------------------------------------------------------------


@staff_required(*NAME_ROLES)
def event_create(request, person_pk: int):
    person = _get(selectors.person_get, person_pk)
    form = EventCreateForm(request.POST or None, initial={
        "facility": person.last_facility_id,
    })
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        citations = [(d["source"], d["quote"])] if d["source"] else []
        services.event_create(
            type=d["type"], start=d["start"], end=d["end"], facility=d["facility"],
            region=d["region"], place_text=d["place_text"], description=d["description"],
            persons=[(person, d["role"])], citations=citations, actor=request.user,
        )
        messages.success(request, _("Event added."))
        return redirect("registry:person", pk=person.pk)
    return render(request, "registry/form.html",
                  {"form": form, "title": _("New event for %(name)s") % {"name": person},
                   "back": person})


def _event_or_404(pk: int) -> Event:
    event = Event.objects.filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


def _event_back(request, event: Event):
    """Back to the person the form was opened from, else to the event's first person."""
    person_pk = id_or_none(request.GET.get("person") or request.POST.get("person"))
    if person_pk is not None:
        return redirect("registry:person", pk=person_pk)
    first = event.participants.first()
    return redirect("registry:person", pk=first.person_id) if first else redirect(
        "registry:persons")


@staff_required(*NAME_ROLES)
def event_edit(request, pk: int):
    event = _event_or_404(pk)
    initial = {
        "type": event.type, "start": initial_date(event, "start"),
        "end": initial_date(event, "end"), "facility": event.facility_id,
        "region": event.region_id, "place_text": event.place_text,
        "description": event.description,
    }
    form = EventForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.event_update(event=event, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return _event_back(request, event)
    return render(request, "registry/event_form.html", {
        "form": form, "event": event, "citation_form": CitationForm(),
        "citations": event.citations.select_related("source"),
        "person_pk": id_or_none(request.GET.get("person")) or "",
    })


@staff_required(*NAME_ROLES)
@require_POST
def citation_add(request, pk: int):
    event = _event_or_404(pk)
    form = CitationForm(request.POST)
    if form.is_valid():
        services.event_citation_add(event=event, source=form.cleaned_data["source"],
                                    quote=form.cleaned_data["quote"], actor=request.user)
        messages.success(request, _("Source added to the event."))
    else:
        messages.error(request, _("Choose a source."))
    return _event_back(request, event)


@staff_required(*NAME_ROLES)
@require_POST
def citation_remove(request, pk: int):
    citation = Citation.objects.select_related("event").filter(pk=pk).first()
    if citation is None:
        raise Http404
    event = citation.event
    services.citation_remove(citation=citation, actor=request.user)
    messages.success(request, _("Source removed from the event."))
    return _event_back(request, event)


@staff_required(*DELETE_ROLES)
@require_POST
def event_delete(request, pk: int):
    event = _event_or_404(pk)
    response = _event_back(request, event)
    services.event_delete(event=event, actor=request.user)
    messages.success(request, _("Event deleted."))
    return response


# --- facilities ------------------------------------------------------------------------


@staff_required(*ALL_ROLES)
def facility_list(request):
    page = _page(request, selectors.facility_list(), per_page=100)
    return render(request, "registry/facility_list.html", {"page": page})


@staff_required(*NAME_ROLES)
def facility_detail(request, pk: int):
    facility = _get(selectors.facility_get, pk)
    summary = selectors.facility_summary(facility)
    return render(request, "registry/facility_detail.html", {
        "summary": summary, "facility": facility,
        "persons": _page(request, summary["persons"], per_page=PAGE, param="persons_page"),
        "events": _page(request, summary["events"], per_page=PAGE, param="events_page"),
    })


def _facility_form_save(request, form, facility=None):
    d = form.cleaned_data
    try:
        if facility is None:
            facility = services.facility_create(actor=request.user, **d)
        else:
            facility = services.facility_update(facility=facility, actor=request.user, **d)
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
    return render(request, "registry/form.html",
                  {"form": form, "title": _("New facility"), "cancel": "registry:facilities"})


@staff_required(*NAME_ROLES)
def facility_edit(request, pk: int):
    facility = _get(selectors.facility_get, pk)
    initial = {
        "type": facility.type, "number": facility.number, "regime": facility.regime,
        "region": facility.region_id, "official_name": facility.official_name,
        "other_names": "\n".join(facility.other_names or []),
    }
    form = FacilityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        response = _facility_form_save(request, form, facility)
        if response:
            return response
    return render(request, "registry/form.html",
                  {"form": form, "title": _("Edit %(name)s") % {"name": facility},
                   "cancel": "registry:facilities"})


# --- sources ---------------------------------------------------------------------------


@staff_required(*NAME_ROLES)
def source_list(request):
    query = request.GET.get("q", "").strip()[:200]
    page = _page(request, selectors.source_list(query=query))
    return render(request, "registry/source_list.html", {"page": page, "query": query})


@staff_required(*NAME_ROLES)
def source_detail(request, pk: int):
    source = _get(selectors.source_get, pk)
    return render(request, "registry/source_detail.html", {
        "source": source,
        "events": _page(request, selectors.source_events(source), per_page=PAGE,
                        param="events_page"),
    })


@staff_required(*NAME_ROLES)
def source_create(request):
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        source = services.source_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Source added."))
        return redirect("registry:source", pk=source.pk)
    return render(request, "registry/form.html",
                  {"form": form, "title": _("New source"), "cancel": "registry:sources"})


@staff_required(*NAME_ROLES)
def source_edit(request, pk: int):
    source = _get(selectors.source_get, pk)
    initial = {
        "kind": source.kind, "title": source.title, "publisher": source.publisher,
        "url": source.url, "date": initial_date(source, "date"),
        "reliability": source.reliability, "credibility": source.credibility,
    }
    form = SourceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.source_update(source=source, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("registry:source", pk=source.pk)
    return render(request, "registry/form.html",
                  {"form": form, "title": _("Edit source"), "cancel": "registry:sources"})


# --- numbers ---------------------------------------------------------------------------


@staff_required(*ALL_ROLES)
def numbers(request):
    """Counts only: the page analysts work from."""
    return render(request, "registry/numbers.html", {"n": selectors.registry_numbers()})

"""Staff pages for unidentified remains: the list, one record with its photos and the proposed
men, the review, and the ante-mortem description on a man's page. Names and photos: never for
analysts (NAME_ROLES)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kintrace.accounts.access import NAME_ROLES, staff_required
from kintrace.lists.limits import Limits, ListFileError
from kintrace.lists.parsing import read_list
from kintrace.registry.models import Person
from kintrace.registry.selectors import person_get
from kintrace.security.unlock import org_private_key_for, unlocked_required
from kintrace.web.middleware import SANDBOX_CSP

from . import imports, selectors, services
from .family.selectors import reports_of_persons, reviews_of_remains
from .forms import (
    AnteMortemForm,
    CloseForm,
    DecideForm,
    ImportForm,
    PhotoForm,
    RemainsFullForm,
    tattoos_text,
)
from .models import Remains, RemainsCandidate, RemainsPhoto, RemainsStatus


def _remains(pk: int) -> Remains:
    try:
        return selectors.remains_get(pk)
    except Remains.DoesNotExist:
        raise Http404 from None


def _candidate(pk: int) -> RemainsCandidate:
    try:
        return selectors.candidate_get(pk)
    except RemainsCandidate.DoesNotExist:
        raise Http404 from None


def _errors(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@staff_required(*NAME_ROLES)
def remains_index(request):
    status = request.GET.get("status", "")
    status = status if status in RemainsStatus.values else ""
    return render(
        request,
        "remains/remains_list.html",
        {
            "items": selectors.remains_list(status=status)[:500],
            "status": status,
            "statuses": RemainsStatus.choices,
        },
    )


def _initial(remains: Remains) -> dict:
    data = {
        name: getattr(remains, name)
        for name in RemainsFullForm.base_fields
        if name not in ("found", "tattoos", "belongings") and hasattr(remains, name)
    }
    data["found"] = remains.found_display
    data["tattoos"] = tattoos_text(remains.tattoos)
    data["belongings"] = "\n".join(remains.belongings or ())
    return data


@staff_required(*NAME_ROLES)
def remains_form(request, pk: int | None = None):
    remains = _remains(pk) if pk else None
    form = RemainsFullForm(request.POST or None, initial=_initial(remains) if remains else None)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            if remains:
                remains = services.remains_update(remains=remains, actor=request.user, **values)
            else:
                remains = services.remains_create(actor=request.user, **values)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            return redirect("remains:detail", pk=remains.pk)
    title = _("Edit remains R-%(id)s") % {"id": remains.pk} if remains else _("New remains")
    return render(
        request, "registry/form.html", {"form": form, "title": title, "cancel": "remains:list"}
    )


@staff_required(*NAME_ROLES)
def remains_import(request):
    """A burial or body-return list → remains records, all rows or none."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        f = d["file"]
        if f.size > settings.KINTRACE_MAX_LIST_BYTES:
            form.add_error(
                "file",
                _("The file is %(size)s MB; lists up to %(limit)s MB can be imported.")
                % {
                    "size": round(f.size / 2**20, 1),
                    "limit": round(settings.KINTRACE_MAX_LIST_BYTES / 2**20, 1),
                },
            )
        else:
            try:
                table = read_list(f.read(), f.name, Limits.from_settings())
                columns = imports.guess_columns(table.header)
                if not {"plot", "token_text", "name_on_grave", "notes"} & set(columns):
                    raise ListFileError(
                        _(
                            "No column of this list reads as a grave number, a token, a name "
                            "or notes (its columns: %(header)s)."
                        )
                        % {"header": ", ".join(table.header)[:300]}
                    )
                rows = imports.read_remains(table, columns, today=timezone.localdate())
                created = services.remains_import(
                    rows=rows,
                    kind=d["kind"],
                    source=d["source"],
                    region=d["region"],
                    filename=f.name,
                    actor=request.user,
                )
            except (ListFileError, imports.Refused) as e:
                form.add_error(None, str(e))
            except ValidationError as e:
                form.add_error(None, e)
            else:
                read = ", ".join(
                    f"{table.header[i]} → {imports.FIELDS[field]}"
                    for field, i in sorted(columns.items(), key=lambda kv: kv[1])
                )
                messages.success(
                    request,
                    _("%(n)s remains imported. Columns read: %(columns)s.")
                    % {"n": len(created), "columns": read},
                )
                return redirect("remains:list")
    return render(
        request,
        "remains/import.html",
        {"form": form, "fields": imports.FIELDS.values()},
    )


@staff_required(*NAME_ROLES)
def remains_detail(request, pk: int):
    remains = _remains(pk)
    candidates = selectors.remains_candidates(remains)
    # Beside each man, the reports of his family: "show this to them".
    reports = reports_of_persons(c.person_id for c in candidates["open"])
    for c in candidates["open"]:
        c.report_ids = reports.get(c.person_id, [])
    return render(
        request,
        "remains/remains_detail.html",
        {
            "remains": remains,
            "photos": selectors.remains_photos(remains),
            "clear": request.GET.get("photos") == "clear",
            "candidates": candidates,
            "family_reviews": reviews_of_remains(remains),
            "photo_form": PhotoForm(),
            "decide_form": DecideForm(),
            "close_form": CloseForm(),
        },
    )


@require_POST
@staff_required(*NAME_ROLES)
def photo_add(request, pk: int):
    remains = _remains(pk)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a photo."))
    else:
        upload = form.cleaned_data["photo"]
        try:
            services.remains_photo_add(
                remains=remains, filename=upload.name, data=upload.read(), actor=request.user
            )
        except ValidationError as e:
            _errors(request, e)
    return redirect("remains:detail", pk=remains.pk)


@never_cache
@staff_required(*NAME_ROLES)
@unlocked_required
def photo(request, pk: int):
    """The blurred copy; with ?clear=1 the pixels-only viewing copy (both audited)."""
    try:
        item = selectors.photo_get(pk)
    except RemainsPhoto.DoesNotExist:
        raise Http404 from None
    clear = request.GET.get("clear") == "1"
    data, content_type = services.remains_photo_read(
        photo=item, org_private=org_private_key_for(request), actor=request.user, clear=clear
    )
    response = HttpResponse(data, content_type=content_type)
    kind = "view" if clear else "blurred"
    response["Content-Disposition"] = f'inline; filename="{kind}-{item.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    return response


@require_POST
@staff_required(*NAME_ROLES)
def match(request, pk: int):
    remains = _remains(pk)
    try:
        found = services.remains_match(remains=remains, actor=request.user)
    except ValidationError as e:
        _errors(request, e)
    else:
        if not any(c.state == "proposed" for c in found):
            messages.info(request, _("No one among the men searched for fits these remains."))
    return redirect("remains:detail", pk=remains.pk)


@require_POST
@staff_required(*NAME_ROLES)
def close(request, pk: int):
    remains = _remains(pk)
    form = CloseForm(request.POST)
    try:
        note = form.cleaned_data["note"] if form.is_valid() else ""
        services.remains_close(remains=remains, actor=request.user, note=note)
    except ValidationError as e:
        _errors(request, e)
    return redirect("remains:detail", pk=remains.pk)


@require_POST
@staff_required(*NAME_ROLES)
def decide(request, pk: int):
    candidate = _candidate(pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
    else:
        try:
            services.candidate_decide(
                candidate=candidate,
                actor=request.user,
                decision=form.cleaned_data["decision"],
                basis=form.cleaned_data["basis"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as e:
            _errors(request, e)
    return redirect("remains:detail", pk=candidate.remains_id)


@require_POST
@staff_required(*NAME_ROLES)
def confirm(request, pk: int):
    candidate = _candidate(pk)
    try:
        services.candidate_confirm(candidate=candidate, actor=request.user)
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(request, _("Identification confirmed; his death is on his timeline."))
    return redirect("remains:detail", pk=candidate.remains_id)


@staff_required(*NAME_ROLES)
def antemortem(request, pk: int):
    try:
        person = person_get(pk)
    except Person.DoesNotExist:
        raise Http404 from None
    current = selectors.antemortem_for(person)
    initial = None
    if current:
        initial = {name: getattr(current, name) for name in AnteMortemForm.base_fields}
        initial["tattoos"] = tattoos_text(current.tattoos)
        initial["belongings"] = "\n".join(current.belongings or ())
    form = AnteMortemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.antemortem_save(person=person, actor=request.user, **form.descriptor_values())
        except ValidationError as e:
            form.add_error(None, e)
        else:
            return redirect("registry:person", pk=person.pk)
    return render(
        request,
        "remains/antemortem_form.html",
        {"form": form, "person": person, "title": _("Description before death")},
    )

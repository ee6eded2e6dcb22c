"""Staff pages between a relative's report and the remains: copying the relative's
"Приметы" into his description before death, and preparing the family-safe selection a
relative sees in the inbox. Caseworkers, coordinators and administrators (NAME_ROLES) only,
with the organisation key unlocked (the report's key is opened for both)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kintrace.accounts.access import NAME_ROLES, staff_required
from kintrace.intake.models import Report
from kintrace.intake.selectors import report_get
from kintrace.security.unlock import org_private_key_for, unlocked_required

from .. import selectors as remains_selectors
from ..models import Remains
from . import services
from .forms import FamilyReviewForm
from .selectors import family_items


def _report(pk: int) -> Report:
    try:
        return report_get(pk)
    except Report.DoesNotExist:
        raise Http404 from None


@require_POST
@staff_required(*NAME_ROLES)
@unlocked_required
def antemortem_copy(request, pk: int):
    """Copy the relative's "Приметы" of report `pk` into the linked man's description."""
    report = _report(pk)
    try:
        changed = services.antemortem_from_report(
            report=report, org_private=org_private_key_for(request), actor=request.user
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("intake:detail", pk=report.pk)
    if changed:
        messages.success(request, _("The relative's description is in his description now."))
    else:
        messages.info(request, _("His description already holds everything the relative said."))
    return redirect("registry:person", pk=report.person_id)


@never_cache
@staff_required(*NAME_ROLES)
@unlocked_required
def family_prepare(request, pk: int):
    """Choose what of remains `pk` the relative of a report is shown, and send it."""
    try:
        remains = remains_selectors.remains_get(pk)
    except Remains.DoesNotExist:
        raise Http404 from None
    items = family_items(remains)
    initial = {"report": request.GET.get("report", "")[:12]}
    form = FamilyReviewForm(request.POST or None, items=items, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report = report_get(form.cleaned_data["report"])
        except Report.DoesNotExist:
            form.add_error("report", _("There is no report with this number."))
        else:
            try:
                services.family_review_prepare(
                    remains=remains,
                    report=report,
                    keys=form.cleaned_data["items"],
                    note=form.cleaned_data["note"],
                    org_private=org_private_key_for(request),
                    actor=request.user,
                )
            except ValidationError as e:
                form.add_error(None, e)
            else:
                messages.success(request, _("The relative will see it in their inbox."))
                return redirect("remains:detail", pk=remains.pk)
    return render(
        request,
        "remains/family_prepare.html",
        {"form": form, "remains": remains, "has_items": bool(items)},
    )

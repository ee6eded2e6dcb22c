"""Staff pages for cases: the list, one case with its reports and notes, and the changes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kintrace.accounts.access import staff_required
from kintrace.accounts.roles import NAME_ROLES
from kintrace.security.unlock import org_private_key_for, unlocked_required

from .models import OPEN_STATUSES, Case, CaseStatus, CloseReason
from .selectors import active_staff_named, assignable_staff, case_get, case_list
from .services import (
    case_assign,
    case_conversations,
    case_note_add,
    case_notes_read,
    case_set_status,
)


def _case_or_404(pk: int) -> Case:
    try:
        return case_get(pk)
    except Case.DoesNotExist:
        raise Http404 from None


@staff_required(*NAME_ROLES)
def case_index(request):
    status = request.GET.get("status", "")
    status = status if status in CaseStatus.values else ""
    mine = request.GET.get("mine") == "1"
    unread = request.GET.get("unread") == "1"
    cases = case_list(status=status, assignee=request.user if mine else None, unread=unread)[:500]
    return render(
        request,
        "cases/case_list.html",
        {
            "cases": cases,
            "status": status,
            "statuses": CaseStatus.choices,
            "mine": mine,
            "unread": unread,
        },
    )


@never_cache
@staff_required(*NAME_ROLES)
@unlocked_required
def case_detail(request, pk: int):
    case = _case_or_404(pk)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "notes": case_notes_read(
                case=case, org_private=org_private_key_for(request), actor=request.user
            ),
            "conversations": case_conversations(
                case=case, org_private=org_private_key_for(request), actor=request.user
            ),
            "statuses": CaseStatus.choices,
            "open_statuses": OPEN_STATUSES,
            "close_reasons": CloseReason.choices,
            "assignees": assignable_staff(),
        },
    )


def _apply(request, pk: int, change) -> object:
    case = _case_or_404(pk)
    try:
        change(case)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect("cases:detail", pk=case.pk)


@require_POST
@staff_required(*NAME_ROLES)
def set_status(request, pk: int):
    return _apply(
        request,
        pk,
        lambda case: case_set_status(
            case=case,
            status=request.POST.get("status", ""),
            reason=request.POST.get("reason", ""),
            shared=request.POST.get("share") == "on",
            actor=request.user,
        ),
    )


@require_POST
@staff_required(*NAME_ROLES)
def assign(request, pk: int):
    def change(case):
        username = request.POST.get("assignee", "")
        assignee = None
        if username:
            assignee = active_staff_named(username)
            if assignee is None:
                raise ValidationError(_("No such staff member."))
        case_assign(case=case, assignee=assignee, actor=request.user)

    return _apply(request, pk, change)


@require_POST
@staff_required(*NAME_ROLES)
def note_add(request, pk: int):
    return _apply(
        request,
        pk,
        lambda case: case_note_add(
            case=case, text=request.POST.get("text", "")[:20000], actor=request.user
        ),
    )

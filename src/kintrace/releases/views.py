"""The estimate page and the releases pages: counts only, never a name.

Analysts, coordinators and administrators see the estimate and download approved releases;
coordinators and administrators build, approve and discard releases. Caseworkers and anyone
not logged in are refused."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kintrace.accounts.access import staff_required
from kintrace.accounts.roles import ESTIMATE_ROLES
from kintrace.estimate.mse import Estimate

from . import files, selectors, services
from .models import Release, ReleaseStatus

numbers_staff = staff_required(*ESTIMATE_ROLES)
approvers = staff_required(*services.APPROVERS)


def _release(pk: int) -> Release:
    try:
        return selectors.release_get(pk)
    except Release.DoesNotExist:
        raise Http404 from None


@numbers_staff
def estimate(request):
    by = request.GET.get("by", "region")
    if by not in ("region", "colony"):
        by = "region"
    rows = selectors.estimates_by(by)
    disagreements = any(
        isinstance(r.result, Estimate) and r.result.disagrees_with_chao for r in rows
    )
    return render(
        request,
        "releases/estimate.html",
        {"by": by, "rows": rows, "disagreements": disagreements},
    )


@numbers_staff
def release_list(request):
    services.releases_reap_stale()  # a build whose process died shows as failed
    return render(
        request,
        "releases/list.html",
        {
            "releases": selectors.release_list(),
            "may_approve": request.user.role in services.APPROVERS,
        },
    )


@require_POST
@approvers
def release_build(request):
    """Record a release as being built and build it in the background; its page says when
    it is ready."""
    try:
        release = services.release_build_start(actor=request.user)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("releases:list")
    messages.success(
        request, _("The release is being built; its page shows when it is ready to check.")
    )
    return redirect("releases:detail", pk=release.pk)


@numbers_staff
def release_detail(request, pk: int):
    release = _release(pk)
    if release.status != ReleaseStatus.APPROVED and request.user.role not in services.APPROVERS:
        raise Http404
    if release.status == ReleaseStatus.BUILDING and services.releases_reap_stale():
        release = _release(pk)
    return render(
        request,
        "releases/detail.html",
        {
            "release": release,
            "tables": release.content.get("tables", {}),
            "building": release.status == ReleaseStatus.BUILDING,
            "may_approve": request.user.role in services.APPROVERS,
        },
    )


@require_POST
@approvers
def release_approve(request, pk: int):
    release = _release(pk)
    try:
        services.release_approve(release=release, actor=request.user)
        messages.success(request, _("The release is approved and may be downloaded."))
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    except PermissionDenied:
        raise
    return redirect("releases:detail", pk=pk)


@require_POST
@approvers
def release_discard(request, pk: int):
    release = _release(pk)
    try:
        services.release_discard(release=release, actor=request.user)
        messages.success(request, _("The draft release was discarded."))
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect("releases:list")


@numbers_staff
def release_download(request, pk: int, fmt: str):
    release = _release(pk)
    if release.status != ReleaseStatus.APPROVED:
        raise Http404
    stem = f"kintrace-release-{release.pk}"
    if fmt == "json":
        body, ctype, name = files.release_json(release.content), "application/json", f"{stem}.json"
    elif fmt == "xlsx":
        body = files.release_xlsx(release.content)
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        name = f"{stem}.xlsx"
    elif fmt == files.MICRODATA and not release.content.get("microdata", {}).get("refused", "x"):
        body = files.release_microdata_csv(release.content).encode()
        ctype, name = "text/csv; charset=utf-8", f"{stem}-microdata.csv"
    elif fmt in files.TABLES:
        body = files.release_csv(release.content, fmt).encode()
        ctype, name = "text/csv; charset=utf-8", f"{stem}-{fmt}.csv"
    else:
        raise Http404
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

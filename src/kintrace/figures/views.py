"""The numbers page, its charts (SVG), their tables (CSV) and a page per region. Counts only:
open to every staff role, the analyst included; never a name."""

import io
from datetime import datetime

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kintrace.accounts.access import ALL_ROLES, staff_required
from kintrace.linkage.csvout import write_csv
from kintrace.remains.selectors import remains_counts
from kintrace.web.params import id_or_none

from . import charts, selectors, tables
from .forms import FilterForm
from .selectors import Filters


def _form(request) -> FilterForm:
    return FilterForm(
        request.GET or None,
        regions=selectors.region_choices(),
        colonies=selectors.colony_choices(
            region=request.GET.get("region", ""), colony=id_or_none(request.GET.get("colony"))
        ),
        waves=selectors.wave_choices(),
        english=(get_language() or "").startswith("en"),
    )


class _BadFilters(Exception):
    pass


def _filters(request) -> Filters:
    """The GET filters of a chart or CSV download; _BadFilters when they cannot be read (a
    download of every man's numbers under a file name that says "filtered" would mislead)."""
    if not request.GET:
        return Filters()
    form = _form(request)
    if not form.is_valid():
        raise _BadFilters
    return form.filters()


def _bad_filters() -> HttpResponse:
    return HttpResponseBadRequest(
        _("These filters cannot be read; open the numbers page to correct them."),
        content_type="text/plain; charset=utf-8",
    )


@staff_required(*ALL_ROLES)
def index(request):
    form = _form(request)
    filters = form.filters() if request.GET else Filters()
    query = request.GET.urlencode()
    shown = [tables.table(name, filters) for name in tables.CHARTS if name != "map"]
    region_table = tables.table("map", filters)
    return render(
        request,
        "numbers/index.html",
        {
            "form": form,
            # the numbers below are everyone's: the page says so beside the form's errors
            "filters_ignored": bool(request.GET) and not form.is_valid(),
            "tables": shown,
            "totals": selectors.totals(filters),
            "query": query,
            "as_of": min(t.as_of for t in shown if isinstance(t.as_of, datetime)),
            # Our own SVG of presentation attributes only (charts.tile_map): inline, so its
            # tiles are links; lxml escaped every text in it.
            "map_svg": mark_safe(_map(region_table, standalone=False).decode()),  # noqa: S308
            "map_table": region_table,
            "remains_numbers": remains_counts(),
        },
    )


def _map(t: tables.Table, *, standalone: bool) -> bytes:
    href = reverse("numbers:region", args=["CODE"]).replace("CODE", "{code}")
    return charts.tile_map(
        tables.map_tiles(t),
        _("Men recruited · dead · missing, by region"),
        href,
        standalone=standalone,
    )


def _table_or_404(name: str, filters: Filters) -> tables.Table:
    if name not in tables.CHARTS:
        raise Http404
    return tables.table(name, filters)


@staff_required(*ALL_ROLES)
def chart_svg(request, name: str):
    try:
        filters = _filters(request)
    except _BadFilters:
        return _bad_filters()
    t = _table_or_404(name, filters)
    body = _map(t, standalone=True) if name == "map" else tables.svg_cached(name, filters)
    response = HttpResponse(body, content_type="image/svg+xml")
    response["Content-Security-Policy"] = charts.SVG_CSP
    return response


@staff_required(*ALL_ROLES)
def chart_csv(request, name: str):
    try:
        filters = _filters(request)
    except _BadFilters:
        return _bad_filters()
    t = _table_or_404(name, filters)
    out = io.StringIO()
    write_csv(out, t.header, t.rows, input_columns=t.text_columns)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kintrace-{name}.csv"'
    return response


@staff_required(*ALL_ROLES)
def region(request, code: str):
    place = selectors.region_or_none(code)
    if place is None:
        raise Http404
    filters = Filters(region=place.code)
    return render(
        request,
        "numbers/region.html",
        {
            "region": place,
            "colonies": tables.table("colonies", filters),
            "totals": selectors.totals(filters),
        },
    )

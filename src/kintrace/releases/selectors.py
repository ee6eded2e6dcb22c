"""Reads for the estimate page, the `kintrace estimate` command and the releases pages.

Imports no services."""

from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kintrace.estimate.mse import Estimate, Refusal, RefusalReason, estimate
from kintrace.registry.models import Facility, Region

from .memberships import GROUPINGS, LIST_NAMES, histories_by_group
from .models import Release, ReleaseStatus

REFUSAL_WORDS = {
    RefusalReason.TOO_FEW_LISTS: _("fewer than three lists record men here"),
    RefusalReason.TOO_FEW_OBSERVED: _("too few men are known here"),
    RefusalReason.TOO_LITTLE_OVERLAP: _("the lists share too few men"),
    RefusalReason.NOT_CONVERGED: _("no model fits these lists"),
    RefusalReason.UNSTABLE: _("the estimate has no credible upper limit"),
}

LIST_WORDS = {
    "relatives": _("relatives' reports"),
    "list:hospital": _("hospital lists"),
    "list:casualty": _("casualty lists"),
    "list:burial": _("burial lists"),
    "list:pardon": _("pardon lists"),
    "list:court": _("court lists"),
    "list:other": _("other lists"),
    "media": _("media"),
}


@dataclass(frozen=True)
class GroupEstimate:
    """One colony's or region's answer: an Estimate or a Refusal (with `reason_text`)."""

    key: str
    label: str
    observed: int
    lists: tuple[str, ...]
    result: Estimate | Refusal

    @property
    def refused(self) -> bool:
        return isinstance(self.result, Refusal)

    @property
    def reason_text(self) -> str:
        return str(REFUSAL_WORDS[self.result.reason]) if isinstance(self.result, Refusal) else ""


def _labels(by: str, keys: list[str]) -> dict[str, str]:
    ids = [k for k in keys if k]
    if by == "colony":
        found = {str(f.pk): str(f) for f in Facility.objects.filter(pk__in=ids)}
    else:
        english = (get_language() or "ru").startswith("en")
        found = {
            r.code: (r.name_en if english else r.name_ru)
            for r in Region.objects.filter(code__in=ids)
        }
    found[""] = str(_("unknown"))
    return found


def estimates_by(by: str) -> list[GroupEstimate]:
    """Multiple systems estimates per colony or region ("colony" | "region"), the whole
    registry first (key "*"), then the groups by men observed, most first. Counts only.
    Raises ValueError for another grouping."""
    if by not in GROUPINGS:
        raise ValueError(by)
    tables = histories_by_group(by)
    whole: dict[tuple[int, ...], int] = {}
    for table in tables.values():
        for h, c in table.items():
            whole[h] = whole.get(h, 0) + c
    labels = _labels(by, list(tables))
    out = [_one("*", str(_("all men")), whole)]
    for key, table in sorted(tables.items(), key=lambda kv: -sum(kv[1].values())):
        out.append(_one(key, labels.get(key, key), table))
    return out


def _one(key: str, label: str, table: dict[tuple[int, ...], int]) -> GroupEstimate:
    used = tuple(
        LIST_NAMES[j] for j in range(len(LIST_NAMES)) if any(h[j] for h in table if table[h])
    )
    return GroupEstimate(
        key=key,
        label=label,
        observed=sum(table.values()),
        lists=tuple(str(LIST_WORDS[name]) for name in used),
        result=estimate(table) if table else Refusal(RefusalReason.TOO_FEW_LISTS, 0, 0),
    )


def release_list():
    return Release.objects.select_related("created_by", "approved_by").order_by("-id")


def release_get(pk: int) -> Release:
    return Release.objects.select_related("created_by", "approved_by").get(pk=pk)


def releases_approved():
    return Release.objects.filter(status=ReleaseStatus.APPROVED).order_by("id")

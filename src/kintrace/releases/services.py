"""Writes of the release ledger: build a release (a draft), approve it, discard it. Audited.

A build reads the whole registry and runs the suppression audit (linear programming): the page
starts it in the background (`release_build_start`, kintrace.lists.background) and the row is
"building" until the job makes it a draft or marks it failed; `kintrace publish` builds here
and now (`release_build`). A build whose process died is marked failed by
`releases_reap_stale` (on the releases pages and at `kintrace serve` start).
"""

import hashlib
import json
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kintrace.accounts.models import Role
from kintrace.audit.actions import Action
from kintrace.audit.services import audit_record
from kintrace.lists import background

from . import sdc
from .microdata import QI, Earlier, microdata
from .models import Release, ReleaseStatus
from .tables import OUTCOMES, UNKNOWN, colony_counts, region_month_counts

log = logging.getLogger(__name__)

APPROVERS = (Role.COORDINATOR, Role.ADMIN)
# Stored untranslated in Release.error; the page translates them.
BUILD_ERROR = gettext_noop("The release could not be built: an unexpected error. Build it again.")
STALE_ERROR = gettext_noop(
    "The build stopped without finishing: the process running it ended (a restart, a crash "
    "or a kill). Build it again."
)
SEP = "\t"

DICTIONARY = {
    "men": "number of men (registry persons, merged duplicates counted once)",
    "outcome": "the man's status as the registry derives it from its sources: "
    + ", ".join(OUTCOMES),
    "region": "ISO 3166-2 code of the region of the man's last known colony; 'unknown' if none",
    "month": "month (YYYY-MM) of the event that set his status; YYYY when only the year is "
    "known; 'unknown' when undated",
    "colony": "type and number of the man's last known colony (e.g. ИК-2)",
    "date_precision": "precision of the row's date: month, year, unknown, or 'all dates'",
    "place_precision": "precision of the row's place: colony, region or unknown",
    "null": "a count not shown: fewer than k men, or hidden so that the shown totals and "
    "earlier releases cannot reveal a count of fewer than k",
    "total": "sum over the row or column, including the counts not shown",
    "microdata": "one row per man (region or federal district, colony or '*', birth-year band, "
    "year or quarter of the event that set his status, outcome), generalised until every "
    "combination of the first four holds at least k men with at least two outcomes "
    "(pyCANON); men in smaller groups are left out. Summed into the tables' rows it shows no "
    "count under k and differs from this and every earlier release's tables, and from earlier "
    "microdata brought to the same generalisation, by 0 or at least k men; otherwise a "
    "coarser generalisation is used, or none is offered",
}


def _hash(content: dict) -> str:
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _old_table(ledger: dict, name: str) -> dict[tuple[str, str], tuple[int, bool]]:
    out: dict[tuple[str, str], tuple[int, bool]] = {}
    for key, value in ledger.get(name, {}).items():
        if key == "__rows__":
            continue
        r, c = key.split(SEP, 1)
        out[(r, c)] = (int(value[0]), bool(value[1]))
    return out


def _protect(name: str, counts, rows_meta, earlier: list[dict], k: int, block_field: str):
    """(Protected table, its rows' metadata, row → block) of one table, suppressed on its own
    and against the ledger."""
    old_tables = [_old_table(ledger, name) for ledger in earlier]
    meta = dict(rows_meta)
    # A row an earlier release showed stays (at 0 if nobody is left in it): a row that
    # vanished would be a count of 0 nobody published.
    for ledger in earlier:
        for key, m in ledger.get(name, {}).get("__rows__", {}).items():
            meta.setdefault(key, m)
    rows = sorted(meta)
    rs, cs, ext = sdc.extend(counts, rows, OUTCOMES)
    forced = sdc.ledger_forced(ext, old_tables, k=k)
    blocks = {r: meta[r].get(block_field, UNKNOWN) for r in rows}
    prot = sdc.protect(counts, rows, OUTCOMES, k=k, forced=forced, blocks=blocks)
    return prot, meta, blocks


def _table(prot: sdc.Protected, meta: dict) -> tuple[dict, dict]:
    """The published table and its ledger entry."""
    shown = prot.published()
    rows = prot.rows
    table = {
        "columns": list(OUTCOMES),
        "rows": [
            {
                "key": r,
                **meta[r],
                "counts": {c: shown[(r, c)] for c in OUTCOMES},
                "total": shown[(r, sdc.TOTAL)],
            }
            for r in rows
        ],
        "totals": {c: shown[(sdc.TOTAL, c)] for c in OUTCOMES},
        "total": shown[(sdc.TOTAL, sdc.TOTAL)],
        "suppressed": len(prot.suppressed),
    }
    ledger: dict[str, Any] = {
        f"{r}{SEP}{c}": [v, (r, c) in prot.suppressed] for (r, c), v in prot.values.items()
    }
    ledger["__rows__"] = meta
    return table, ledger


def _protect_both(earlier: list[dict], k: int) -> dict[str, tuple[dict, dict]]:
    """Both tables, each suppressed on its own, then jointly: they count the same men, so a
    region's month rows and its colony rows sum to the same counts per outcome, and an
    attacker holding both solves them together (sdc.protect_jointly)."""
    protected, metas, blocks = {}, {}, {}
    for name, read in (("region_month", region_month_counts), ("colony", colony_counts)):
        counts, meta = read()
        protected[name], metas[name], blocks[name] = _protect(
            name, counts, meta, earlier, k, "region"
        )
    links = sdc.block_links(
        "region_month", blocks["region_month"], "colony", blocks["colony"], OUTCOMES
    )
    joint = sdc.protect_jointly(protected, links, k=k, blocks=blocks)
    return {name: _table(joint[name], metas[name]) for name in joint}


def _compose(k: int) -> tuple[dict, dict, int, object]:
    """(content, ledger, checked_through, as_of) of a release built from the registry now,
    checked against every approved release (the ledger)."""
    approved = list(Release.objects.filter(status=ReleaseStatus.APPROVED).order_by("id"))
    earlier = [r.ledger for r in approved]
    as_of = timezone.now()
    both = _protect_both(earlier, k)
    (region_month, ledger_rm), (colony, ledger_c) = both["region_month"], both["colony"]
    micro = microdata(
        k,
        ledger={"region_month": ledger_rm, "colony": ledger_c},
        earlier=[
            Earlier(
                r.pk,
                r.ledger,
                r.content.get("microdata", {}).get("generalisation_level", -1),
                tuple(r.content.get("microdata", {}).get("rows", ())),
            )
            for r in approved
        ],
    )
    content = {
        "as_of": as_of.isoformat(),
        "k": k,
        "tables": {"region_month": region_month, "colony": colony},
        "microdata": {
            "quasi_identifiers": QI,
            "generalisation_level": micro.level,
            "k_anonymity": micro.k,
            "l_diversity": micro.l,
            "men_left_out": micro.dropped,
            "refused": micro.refused,
            "rows": micro.rows,
        },
        "dictionary": DICTIONARY,
    }
    ledger = {"region_month": ledger_rm, "colony": ledger_c, "microdata_refused": list(micro.why)}
    return content, ledger, (approved[-1].pk if approved else 0), as_of


def release_build_start(*, actor, k: int | None = None, background_run: bool = True) -> Release:
    """Record a release as "building" and build it: in a background thread (the page), or
    here and now (background_run=False: `kintrace publish`, which gets the draft back).
    `k` defaults to KINTRACE_RELEASE_MIN_COUNT. Raises ValidationError when k < 2 or another
    release is being built."""
    k = settings.KINTRACE_RELEASE_MIN_COUNT if k is None else k
    if k < 2:
        raise ValidationError(_("The smallest count shown must be at least 2."), code="k")
    releases_reap_stale()
    with transaction.atomic():
        if Release.objects.select_for_update().filter(status=ReleaseStatus.BUILDING).exists():
            raise ValidationError(
                _("Another release is being built; wait until it is done."), code="busy"
            )
        release = Release.objects.create(
            status=ReleaseStatus.BUILDING,
            k=k,
            as_of=timezone.now(),
            created_by=actor,
            heartbeat_at=timezone.now(),
            **background.identity(),
        )
    # This process runs it from now on (a crash before the thread starts is found stale).
    background.claim(Release, release.pk)
    if not background_run:
        return release_build_run(release.pk, reraise=True)
    pk = release.pk
    background.start(f"release-build-{pk}", lambda: release_build_run(pk))
    return release


def release_build(*, actor, k: int | None = None) -> Release:
    """Build a draft release here and now (the command line, tests): see release_build_start."""
    return release_build_start(actor=actor, k=k, background_run=False)


def release_build_run(pk: int, *, reraise: bool = False) -> Release:
    """The build job: compose the release and make the row a draft (audited with its content
    hash), or mark it failed (audited) when composing fails."""
    release = Release.objects.get(pk=pk)
    try:
        with (
            background.sigterm_exits(),
            background.Running(Release, pk, status=ReleaseStatus.BUILDING),
        ):
            content, ledger, checked, as_of = _compose(release.k)
            content_hash = _hash(content)
            with transaction.atomic():
                done = Release.objects.filter(pk=pk, status=ReleaseStatus.BUILDING).update(
                    status=ReleaseStatus.DRAFT,
                    as_of=as_of,
                    content=content,
                    ledger=ledger,
                    content_hash=content_hash,
                    checked_through=checked,
                    heartbeat_at=timezone.now(),
                )
                if done:
                    audit_record(
                        actor=release.created_by,
                        action=Action.RELEASE_BUILD,
                        target=release,
                        after={
                            "k": release.k,
                            "content_hash": content_hash,
                            "checked_through": checked,
                        },
                    )
    except BaseException as e:
        if isinstance(e, Exception):
            log.exception("release build %s failed", pk)
        _fail(release, BUILD_ERROR, actor=release.created_by, reason=type(e).__name__)
        if reraise or not isinstance(e, Exception):
            raise
    finally:
        background.release(Release, pk)
    release.refresh_from_db()
    return release


def _fail(release: Release, error: str, *, actor, reason: str, heartbeat=None) -> bool:
    """Mark a building release failed (only if it is still building, and, when `heartbeat` is
    given, still shows that heartbeat: a build that beat meanwhile is alive). Audited."""
    with transaction.atomic():
        rows = Release.objects.filter(pk=release.pk, status=ReleaseStatus.BUILDING)
        if heartbeat is not None:
            rows = rows.filter(heartbeat_at=heartbeat)
        if not rows.update(status=ReleaseStatus.FAILED, error=error):
            return False
        audit_record(
            actor=actor,
            action=Action.RELEASE_BUILD_FAILED,
            target=release,
            after={
                "reason": reason,
                "worker": {"host": release.worker_host, "pid": release.worker_pid},
            },
        )
    return True


def releases_reap_stale() -> int:
    """Mark failed every release still "building" whose process is gone or whose heartbeat is
    old (kintrace.lists.background.job_alive); audited with no actor. Returns how many."""
    now = timezone.now()
    stale = 0
    for release in Release.objects.filter(status=ReleaseStatus.BUILDING):
        if background.job_alive(release, now=now):
            continue
        heartbeat = release.heartbeat_at
        if _fail(release, STALE_ERROR, actor=None, reason="stale", heartbeat=heartbeat):
            stale += 1
    return stale


@transaction.atomic
def release_approve(*, release: Release, actor) -> Release:
    """A coordinator (or administrator) approves a draft: from now on it may be downloaded and
    every later release is checked against it. Raises PermissionDenied for another role and
    ValidationError when it is not a draft or another release was approved since it was
    built (build a new one: this one was not checked against that)."""
    if getattr(actor, "role", None) not in APPROVERS:
        raise PermissionDenied
    release = Release.objects.select_for_update().get(pk=release.pk)
    if release.status != ReleaseStatus.DRAFT:
        raise ValidationError(_("Only a draft can be approved."), code="status")
    newest = (
        Release.objects.filter(status=ReleaseStatus.APPROVED)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
        or 0
    )
    if newest != release.checked_through:
        raise ValidationError(
            _("Another release was approved after this one was built; build a new one."),
            code="stale",
        )
    release.status = ReleaseStatus.APPROVED
    release.approved_by = actor
    release.approved_at = timezone.now()
    release.save(update_fields=["status", "approved_by", "approved_at"])
    audit_record(
        actor=actor,
        action=Action.RELEASE_APPROVE,
        target=release,
        after={"content_hash": release.content_hash, "k": release.k},
    )
    return release


@transaction.atomic
def release_discard(*, release: Release, actor) -> Release:
    """Discard a draft (it is kept in the ledger's history but never checked against).
    Raises PermissionDenied for a role that may not approve, ValidationError for a release
    that is not a draft."""
    if getattr(actor, "role", None) not in APPROVERS:
        raise PermissionDenied
    release = Release.objects.select_for_update().get(pk=release.pk)
    if release.status != ReleaseStatus.DRAFT:
        raise ValidationError(_("Only a draft can be discarded."), code="status")
    release.status = ReleaseStatus.DISCARDED
    release.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=Action.RELEASE_DISCARD,
        target=release,
        after={"content_hash": release.content_hash},
    )
    return release

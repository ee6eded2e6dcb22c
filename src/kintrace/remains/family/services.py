"""Writes between a relative's report and the remains registry: the relative's "Приметы"
copied into his description before death, and the family-safe selection shown in the
relative's inbox with their answer. What the relative sees or says is encrypted under the
report's data key, like the rest of the report; every staff decryption is audited."""

import json
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kintrace.audit.actions import Action
from kintrace.audit.services import audit_record
from kintrace.intake.models import Report
from kintrace.intake.services import ReporterAccess, report_mark_unread, staff_report_key
from kintrace.intake.validation import clean_message, height_range
from kintrace.security.audit import audit_decrypt
from kintrace.security.crypto import decrypt, encrypt

from ..forms import lines, tattoos_parse
from ..models import AnteMortem, FamilyAnswer, FamilyReview, Remains
from ..services import antemortem_save
from .selectors import ReviewView, family_items, family_reviews_for

NOTE_LIMIT = 2000
# "левое плечо — «Оля 2013», роза": where, then what is written (in quotes) and drawn.
_WHERE = re.compile(r"\s+[—–-]\s+|:\s*")
_QUOTED = re.compile(r"[«\"“„]([^»\"”“]+)[»\"”“]")


def _json(key: bytes, value: Any) -> bytes:
    return encrypt(key, json.dumps(value, ensure_ascii=False).encode())


def relative_tattoos(text: str) -> list[dict[str, str]]:
    """The relative's tattoo lines as the descriptors' {"location", "text", "image"}."""
    out = []
    for line in lines(text):
        if "|" in line:
            out.extend(tattoos_parse(line))
            continue
        parts = _WHERE.split(line, maxsplit=1)
        where, rest = (parts[0], parts[1]) if len(parts) == 2 else ("", line)
        words = " ".join(_QUOTED.findall(rest))
        picture = _QUOTED.sub("", rest).strip(" ,;.") if words else ""
        out.append({"location": where.strip(), "text": words or rest.strip(), "image": picture})
    return out


def _merged(current: AnteMortem | None, described: dict[str, str]) -> dict[str, Any]:
    """The ante-mortem fields the relative's description adds to: empty fields take it, text
    already there gains what is new on its own line, lists gain the items not yet listed;
    a height already recorded is kept. Build and eyes have no descriptor and stay in the
    report."""
    changes: dict[str, Any] = {}
    height = height_range(described.get("height", ""))
    if height and (current is None or (current.height_min is None and current.height_max is None)):
        changes["height_min"], changes["height_max"] = height
    limits = {"hair": 200}
    for name in ("hair", "scars", "teeth", "clothing"):
        new = described.get(name, "")
        old = getattr(current, name, "") if current else ""
        if new and new.lower() not in old.lower():
            changes[name] = (f"{old}\n{new}" if old else new)[: limits.get(name, 4000)]
    tattoos = list(current.tattoos) if current else []
    added = [t for t in relative_tattoos(described.get("tattoos", "")) if t not in tattoos]
    if added:
        changes["tattoos"] = tattoos + added
    belongings = list(current.belongings) if current else []
    known = {b.lower() for b in belongings}
    new_items = [b for b in lines(described.get("belongings", "")) if b.lower() not in known]
    if new_items:
        changes["belongings"] = belongings + new_items
    return changes


def antemortem_from_report(*, report: Report, org_private: bytes, actor) -> list[str]:
    """Copy the "Приметы" a relative gave in a report into the linked man's description
    before death (decryption audited, purpose "ante-mortem copy"); the names of the fields
    that changed. Raises ValidationError if the report is not linked or holds none."""
    person = report.person
    if person is None:
        raise ValidationError(_("Link the report to a person first."), code="unlinked")
    key = staff_report_key(report=report, org_private=org_private)
    described = json.loads(decrypt(key, bytes(report.payload))).get("description") or {}
    if not described:
        raise ValidationError(_("The relative gave no description."), code="empty")
    with transaction.atomic():
        audit_decrypt(actor, report, "ante-mortem copy")
        current = AnteMortem.objects.filter(person=person).first()
        changes = _merged(current, described)
        if changes:
            antemortem_save(person=person, actor=actor, **changes)
        audit_record(
            actor=actor,
            action=Action.ANTEMORTEM_FROM_REPORT,
            target=person,
            after={"report": report.pk, "fields": sorted(changes)},
        )
    return sorted(changes)


def family_review_prepare(
    *, remains: Remains, report: Report, keys: list[str], note: str, org_private: bytes, actor
) -> FamilyReview:
    """Prepare a family-safe selection (the chosen text items of `family_items`, a note) for
    the relative of `report`, encrypted under the report's key; the inbox shows it."""
    chosen = [
        {"kind": item["kind"], "text": item["text"]}
        for item in family_items(remains)
        if item["key"] in set(keys)
    ]
    if not chosen:
        raise ValidationError(_("Choose at least one description to show."), code="empty")
    note = clean_message(note)[:NOTE_LIMIT]
    key = staff_report_key(report=report, org_private=org_private)
    with transaction.atomic():
        review = FamilyReview.objects.create(
            remains=remains,
            report=report,
            selection=_json(key, {"items": chosen, "note": note}),
            prepared_by=actor if actor and actor.pk else None,
        )
        audit_record(
            actor=actor,
            action=Action.REMAINS_FAMILY_PREPARE,
            target=review,
            after={"remains": remains.pk, "report": report.pk, "items": len(chosen)},
        )
    return review


def family_review_answer(
    *, access: ReporterAccess, review: FamilyReview, answer: str, text: str
) -> FamilyReview:
    """The relative's answer to a selection in their inbox, encrypted under the report's key;
    counts as an unread follow-up on the report. The audit entry says that they answered,
    never what."""
    if review.report_id != access.report.pk:
        raise ValidationError(_("This is not shown on your report."), code="other")
    if answer not in FamilyAnswer.values:
        raise ValidationError(_("Please choose one of the answers."), code="answer")
    text = clean_message(text)
    with transaction.atomic():
        review = FamilyReview.objects.select_for_update().get(pk=review.pk)
        before = {"answered": review.answered_at is not None}
        review.answer = _json(access.key, {"answer": answer, "text": text})
        review.answered_at = timezone.now()
        review.save(update_fields=["answer", "answered_at"])
        report_mark_unread(review.report_id)
        audit_record(
            actor=None,
            action=Action.REMAINS_FAMILY_ANSWER,
            target=review,
            before=before,
            after={"answered": True},
        )
    return review


def family_reviews_read(*, report: Report, org_private: bytes, actor) -> list[ReviewView]:
    """The selections shown to this report's relative with their answers, for staff;
    audited (purpose "family review") when there is any."""
    key = staff_report_key(report=report, org_private=org_private)
    views = family_reviews_for(report=report, key=key)
    if views:
        audit_decrypt(actor, report, "family review")
    return views

"""Reads for the family side of remains: what of a record may be shown to a relative (text
only: belongings, clothing and marks, never a photo), the selections a relative's inbox
shows (decrypted with the key the relative's receipt opened), and the reports of a man."""

import json
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from kintrace.intake.models import Report
from kintrace.security.crypto import decrypt

from ..models import FamilyAnswer, FamilyReview, Remains

# What a selection may hold, in the order the relative reads it. Text descriptions only:
# the remains' photos show the body and are never offered (the model has no marker for a
# photo of belongings alone, so no photo is).
KIND_LABELS = {
    "belonging": _("A belonging found"),
    "clothing": _("Clothing"),
    "tattoo": _("Tattoo"),
    "scars": _("Scars"),
    "hair": _("Hair"),
    "teeth": _("Teeth"),
    "height": _("Height"),
}


def family_items(remains: Remains) -> list[dict[str, str]]:
    """Every text of the record a caseworker may choose to show a family: {"key", "kind",
    "text"}; the key names the item in the choice form."""
    items = [
        {"key": f"belonging-{i}", "kind": "belonging", "text": text}
        for i, text in enumerate(remains.belongings or ())
        if text
    ]
    if remains.clothing:
        items.append({"key": "clothing", "kind": "clothing", "text": remains.clothing})
    for i, t in enumerate(remains.tattoos or ()):
        words = f"«{t['text']}»" if t.get("text") else ""
        text = ", ".join(p for p in (t.get("location", ""), words, t.get("image", "")) if p)
        if text:
            items.append({"key": f"tattoo-{i}", "kind": "tattoo", "text": text})
    for kind in ("scars", "hair", "teeth"):
        if getattr(remains, kind):
            items.append({"key": kind, "kind": kind, "text": getattr(remains, kind)})
    if remains.height_min or remains.height_max:
        low, high = remains.height_min or "?", remains.height_max or "?"
        items.append({"key": "height", "kind": "height", "text": f"{low}–{high} см"})
    return items


@dataclass
class ReviewView:
    """One selection in clear, for the relative or (after an audited read) for staff."""

    review: FamilyReview
    items: list[dict[str, Any]]
    note: str
    answer: str  # a FamilyAnswer value, or "" before the relative answers
    answer_text: str

    @property
    def answer_label(self) -> str:
        return str(FamilyAnswer(self.answer).label) if self.answer else ""


def review_decrypt(review: FamilyReview, key: bytes) -> ReviewView:
    selection = json.loads(decrypt(key, bytes(review.selection)))
    answer = json.loads(decrypt(key, bytes(review.answer))) if review.answer else {}
    items = [
        {**item, "label": KIND_LABELS.get(item["kind"], item["kind"])}
        for item in selection["items"]
    ]
    return ReviewView(
        review=review,
        items=items,
        note=selection.get("note", ""),
        answer=answer.get("answer", ""),
        answer_text=answer.get("text", ""),
    )


def family_reviews_for(*, report: Report, key: bytes) -> list[ReviewView]:
    """The selections shown in this report's inbox, opened with the relative's key."""
    reviews = FamilyReview.objects.filter(report=report).select_related("remains")
    return [review_decrypt(r, key) for r in reviews]


def family_review_get(pk: int) -> FamilyReview:
    """Raises FamilyReview.DoesNotExist."""
    return FamilyReview.objects.select_related("report", "remains").get(pk=pk)


def reviews_of_remains(remains: Remains):
    """The selections made from these remains (no decryption: report, times, who)."""
    return FamilyReview.objects.filter(remains=remains).select_related("prepared_by")


def reports_of_persons(person_ids) -> dict[int, list[int]]:
    """Report ids by person, for "show this to the family of report #N" beside each man."""
    out: dict[int, list[int]] = {}
    for pk, person_id in Report.objects.filter(person_id__in=list(person_ids)).values_list(
        "pk", "person_id"
    ):
        out.setdefault(person_id, []).append(pk)
    return out

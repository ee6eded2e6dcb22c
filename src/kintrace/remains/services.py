"""Every write about remains and ante-mortem descriptions. Keyword-only, each takes the acting
user and writes its audit entry in the same transaction as the change. An identification
reaches the registry only through its event services (an event cited to its source)."""

import io
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageFilter

from kintrace.audit.actions import Action
from kintrace.audit.services import audit_record, snapshot
from kintrace.intake import storage
from kintrace.intake.uploads import UploadRefused, check_upload
from kintrace.names.dates import PartialDate
from kintrace.registry.models import DatePrecision, EventType, Person, SourceKind
from kintrace.registry.services import event_create, person_check_writable, source_create
from kintrace.security.crypto import decrypt, encrypt, random_key, seal, unseal
from kintrace.security.keys import org_public_key

from . import matching
from .models import (
    BASIS_CREDIBILITY,
    AnteMortem,
    Basis,
    CandidateState,
    Remains,
    RemainsCandidate,
    RemainsKind,
    RemainsPhoto,
    RemainsStatus,
)
from .selectors import persons_for_matching, remains_descriptors

# The descriptors both sides share (models.Descriptors).
ANTEMORTEM_FIELDS = {
    "height_min",
    "height_max",
    "hair",
    "tattoos",
    "scars",
    "amputations",
    "teeth",
    "clothing",
    "belongings",
    "unit",
}
# Kept on the remains besides; `found` (a PartialDate or None) sets the found_* columns.
REMAINS_FIELDS = ANTEMORTEM_FIELDS | {
    "kind",
    "region",
    "place_text",
    "cemetery",
    "plot",
    "token_text",
    "name_on_grave",
    "sex",
    "age_min",
    "age_max",
    "notes",
    "source",
}
# How many proposed men a match run keeps (the page shows them all, best first).
KEEP_PROPOSED = 10


def _found_fields(found: PartialDate | None) -> dict[str, Any]:
    if found is None:
        return {
            "found_year": None,
            "found_month": None,
            "found_day": None,
            "found_precision": DatePrecision.UNKNOWN,
            "found_approximate": False,
        }
    return {
        "found_year": found.year,
        "found_month": found.month,
        "found_day": found.day,
        "found_precision": str(found.precision),
        "found_approximate": found.approximate,
    }


def _check_ranges(obj) -> None:
    for low, high, what in (
        ("age_min", "age_max", _("age")),
        ("height_min", "height_max", _("height")),
    ):
        a, b = getattr(obj, low, None), getattr(obj, high, None)
        if a is not None and b is not None and a > b:
            raise ValidationError(
                _("The %(what)s range ends before it starts.") % {"what": what}, code="range"
            )


def _set(obj, fields: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(fields) - allowed - {"found"}
    if unknown:
        raise TypeError(f"cannot change {', '.join(sorted(unknown))} here")
    for name, value in fields.items():
        if name == "found":
            for column, v in _found_fields(value).items():
                setattr(obj, column, v)
        else:
            setattr(obj, name, value)
    _check_ranges(obj)


def remains_create(*, actor, kind: str, source, **fields) -> Remains:
    """Record a body or a grave with its source. `found=` a PartialDate or None; tattoos a
    list of {"text", "image", "location"}; belongings a list of strings. Raises
    ValidationError (code "range") when an age or height range ends before it starts."""
    remains = Remains(kind=kind, source=source, created_by=actor if actor and actor.pk else None)
    _set(remains, fields, REMAINS_FIELDS)
    with transaction.atomic():
        remains.save()
        audit_record(
            actor=actor, action=Action.REMAINS_CREATE, target=remains, after=snapshot(remains)
        )
    return remains


def remains_update(*, remains: Remains, actor, **fields) -> Remains:
    """Change what is recorded of the remains (the same fields as remains_create)."""
    with transaction.atomic():
        remains = Remains.objects.select_for_update().get(pk=remains.pk)
        before = snapshot(remains)
        _set(remains, fields, REMAINS_FIELDS)
        remains.save()
        audit_record(
            actor=actor,
            action=Action.REMAINS_UPDATE,
            target=remains,
            before=before,
            after=snapshot(remains),
        )
    return remains


def remains_import(
    *, rows: list[dict[str, Any]], kind: str, source, region, filename: str, actor
) -> list[Remains]:
    """Record every row of a burial or body-return list (`imports.read_remains`) as remains
    of `kind` from `source`, in one transaction: all of them or none. Each is audited as
    remains.create, and the list as a whole as remains.import (file name, rows, the ids)."""
    if not rows:
        raise ValidationError(_("The list has no rows to import."), code="empty")
    with transaction.atomic():
        created = [
            remains_create(actor=actor, kind=kind, source=source, region=region, **row)
            for row in rows
        ]
        audit_record(
            actor=actor,
            action=Action.REMAINS_IMPORT,
            target=source,
            after={
                "file": filename,
                "kind": kind,
                "rows": len(created),
                "remains": [r.pk for r in created],
            },
        )
    return created


def remains_close(*, remains: Remains, actor, note: str) -> Remains:
    """Close remains that will not be matched (a duplicate record, not a person of interest);
    the note says why. Identified remains stay identified."""
    if not note.strip():
        raise ValidationError(_("Say why the record is closed."), code="required")
    with transaction.atomic():
        remains = Remains.objects.select_for_update().get(pk=remains.pk)
        if remains.status == RemainsStatus.IDENTIFIED:
            raise ValidationError(_("Identified remains cannot be closed."), code="identified")
        before = remains.status
        remains.status = RemainsStatus.CLOSED
        remains.notes = f"{remains.notes}\n{note.strip()}".strip()
        remains.save(update_fields=["status", "notes", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.REMAINS_CLOSE,
            target=remains,
            before={"status": before},
            after={"status": remains.status, "note": note.strip()},
        )
    return remains


# --- photos ----------------------------------------------------------------------------

BLUR_RADIUS = 24


def _blurred(clean: bytes) -> bytes:
    """A copy too blurred to show a face or a wound: the page shows it until someone chooses
    to see the photo."""
    with Image.open(io.BytesIO(clean)) as img:
        small = img.convert("RGB")
        small.thumbnail((480, 480))
        out = io.BytesIO()
        small.filter(ImageFilter.GaussianBlur(BLUR_RADIUS)).save(out, format="JPEG", quality=70)
    return out.getvalue()


def remains_photo_add(*, remains: Remains, filename: str, data: bytes, actor) -> RemainsPhoto:
    """Keep a photo of the remains, encrypted as report attachments are (intake.storage, a
    data key sealed to the organisation key): the original as evidence, the pixels-only
    viewing copy and a blurred copy. Only pictures; raises ValidationError with our words."""
    try:
        checked = check_upload(filename, data)
    except UploadRefused as e:
        raise ValidationError(str(e), code="upload") from None
    if not checked.clean_data:
        raise ValidationError(_("Only photos can be added here."), code="upload")
    key = random_key()
    names = []
    try:
        for part in (checked.data, checked.clean_data, _blurred(checked.clean_data)):
            names.append(storage.store_encrypted(key, part))
        with transaction.atomic():
            photo = RemainsPhoto.objects.create(
                remains=remains,
                key_for_org=seal(org_public_key(), key),
                original_file=names[0],
                clean_file=names[1],
                blurred_file=names[2],
                meta=encrypt(key, json.dumps(checked.meta()).encode()),
                created_by=actor if actor and actor.pk else None,
            )
            audit_record(
                actor=actor,
                action=Action.REMAINS_PHOTO_ADD,
                target=photo,
                after={"remains": remains.pk},
            )
    except BaseException:
        for name in names:
            storage.remove_stored(name)
        raise
    return photo


def remains_photo_read(
    *, photo: RemainsPhoto, org_private: bytes, actor, clear: bool = False
) -> tuple[bytes, str]:
    """(bytes, MIME type) of the blurred copy, or with `clear` the viewing copy; audited."""
    key = unseal(org_private, bytes(photo.key_for_org))
    meta = json.loads(decrypt(key, bytes(photo.meta)))
    name = photo.clean_file if clear else photo.blurred_file
    data = storage.read_encrypted(key, name)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=Action.REMAINS_PHOTO_VIEW,
            target=photo,
            after={"clear": clear},
        )
    return data, meta["clean_content_type"] if clear else "image/jpeg"


# --- ante-mortem -----------------------------------------------------------------------


def antemortem_save(*, person: Person, actor, **fields) -> AnteMortem:
    """Set what is known of a missing man's body (height range, hair, tattoos, scars,
    amputations, teeth, clothing, belongings, unit); refused for a merged-away person."""
    with transaction.atomic():
        person_check_writable(person)
        item, _created = AnteMortem.objects.select_for_update().get_or_create(person=person)
        before = snapshot(item)
        _set(item, fields, ANTEMORTEM_FIELDS)
        item.updated_by = actor if actor and actor.pk else None
        item.save()
        audit_record(
            actor=actor,
            action=Action.ANTEMORTEM_SAVE,
            target=person,
            before=before,
            after=snapshot(item),
        )
    return item


# --- matching and review ---------------------------------------------------------------


def remains_match(*, remains: Remains, actor) -> list[RemainsCandidate]:
    """Compare the remains with every man still searched for (selectors.persons_for_matching)
    and keep the best KEEP_PROPOSED with their reasons and every excluded man with the
    reasons he was excluded. Decided candidates keep their decision; open ones are replaced."""
    if remains.status in (RemainsStatus.IDENTIFIED, RemainsStatus.CLOSED):
        raise ValidationError(_("These remains are no longer matched."), code="done")
    body = remains_descriptors(remains)
    ranked, excluded = matching.match(body, persons_for_matching(), top=KEEP_PROPOSED)
    with transaction.atomic():
        decided = set(
            RemainsCandidate.objects.filter(remains=remains)
            .exclude(state__in=(CandidateState.PROPOSED, CandidateState.EXCLUDED))
            .values_list("person_id", flat=True)
        )
        RemainsCandidate.objects.filter(
            remains=remains, state__in=(CandidateState.PROPOSED, CandidateState.EXCLUDED)
        ).delete()
        rows = []
        for result, state in [(r, CandidateState.PROPOSED) for r in ranked] + [
            (r, CandidateState.EXCLUDED) for r in excluded
        ]:
            if result.key in decided:
                continue
            rows.append(
                RemainsCandidate(
                    remains=remains,
                    person_id=result.key,
                    score=result.score,
                    reasons=[
                        {
                            "code": r.code,
                            "outcome": r.outcome,
                            "points": r.points,
                            "detail": r.detail,
                        }
                        for r in result.reasons
                    ],
                    state=state,
                )
            )
        RemainsCandidate.objects.bulk_create(rows)
        if ranked and remains.status == RemainsStatus.UNIDENTIFIED:
            Remains.objects.filter(pk=remains.pk).update(status=RemainsStatus.CANDIDATE)
        audit_record(
            actor=actor,
            action=Action.REMAINS_MATCH,
            target=remains,
            after={
                "proposed": [r.key for r in ranked],
                "excluded": [r.key for r in excluded],
            },
        )
    return list(RemainsCandidate.objects.filter(remains=remains))


def candidate_decide(
    *, candidate: RemainsCandidate, actor, decision: str, basis: str = "", note: str = ""
) -> RemainsCandidate:
    """Record the review of a proposed man: "rejected" (not him; the note says why) or
    "identified" (him, on a `basis` from models.Basis — DNA, documents, family recognition…;
    descriptors alone are no basis). An identification waits for a second person's
    confirmation (candidate_confirm)."""
    note = note.strip()
    if decision == "rejected":
        if not note:
            raise ValidationError(_("Say why he is not the man."), code="required")
        state = CandidateState.REJECTED
    elif decision == "identified":
        if basis not in Basis.values:
            raise ValidationError(
                _("Choose the basis of the identification (DNA, documents, …)."), code="basis"
            )
        if basis == Basis.OTHER and not note:
            raise ValidationError(_("Describe the basis in the note."), code="required")
        state = CandidateState.IDENTIFIED
    else:
        raise ValidationError(_("Choose a decision."), code="decision")
    with transaction.atomic():
        candidate = RemainsCandidate.objects.select_for_update().get(pk=candidate.pk)
        remains = Remains.objects.select_for_update().get(pk=candidate.remains_id)
        if candidate.state not in (CandidateState.PROPOSED, CandidateState.EXCLUDED):
            raise ValidationError(_("This candidate was already decided."), code="decided")
        if state == CandidateState.IDENTIFIED and (
            remains.status in (RemainsStatus.IDENTIFIED, RemainsStatus.CLOSED)
            or RemainsCandidate.objects.filter(
                remains=remains, state=CandidateState.IDENTIFIED
            ).exists()
        ):
            raise ValidationError(
                _("Another identification of these remains is already recorded."), code="twice"
            )
        before = snapshot(candidate, ["state", "basis", "note"])
        candidate.basis = basis if state == CandidateState.IDENTIFIED else ""
        candidate.state, candidate.note = state, note
        candidate.decided_by, candidate.decided_at = actor, timezone.now()
        candidate.save()
        audit_record(
            actor=actor,
            action=Action.REMAINS_CANDIDATE_DECIDE,
            target=candidate,
            before=before,
            after=snapshot(candidate, ["state", "basis", "note", "person", "remains"]),
        )
    return candidate


def candidate_confirm(*, candidate: RemainsCandidate, actor) -> RemainsCandidate:
    """A second, different person confirms an identification. The man's death is then
    recorded through the registry's event services: a "buried" (grave) or "body returned"
    (body) event at the remains' date and place, cited to the remains' source and to a new
    identification source graded by its basis (models.BASIS_CREDIBILITY), so his status is
    derived from it with the basis cited; the remains become identified."""
    with transaction.atomic():
        candidate = RemainsCandidate.objects.select_for_update().get(pk=candidate.pk)
        remains = Remains.objects.select_for_update().get(pk=candidate.remains_id)
        if candidate.state != CandidateState.IDENTIFIED:
            raise ValidationError(
                _("Only a recorded identification can be confirmed."), code="state"
            )
        if candidate.decided_by_id == getattr(actor, "pk", None):
            raise ValidationError(
                _("A second person must confirm: you recorded this identification."),
                code="same_person",
            )
        basis = Basis(candidate.basis)
        quote = _("Remains R-%(id)s identified; basis: %(basis)s. %(note)s") % {
            "id": remains.pk,
            "basis": basis.label,
            "note": candidate.note,
        }
        source = source_create(
            kind=SourceKind.DOCUMENT,
            title=_("Identification of remains R-%(id)s (%(basis)s)")
            % {"id": remains.pk, "basis": basis.label},
            actor=actor,
            reliability="B",
            credibility=BASIS_CREDIBILITY[basis],
        )
        found = None
        if remains.found_year:
            found = PartialDate(
                remains.found_year,
                remains.found_month,
                remains.found_day if remains.found_month else None,
                approximate=remains.found_approximate,
            )
        event = event_create(
            type=EventType.BURIED if remains.kind == RemainsKind.GRAVE else EventType.BODY_RETURNED,
            actor=actor,
            start=found,
            region=remains.region,
            place_text=", ".join(
                x for x in (remains.cemetery, remains.plot, remains.place_text) if x
            )[:300],
            description=quote.strip(),
            persons=[candidate.person],
            citations=[(source, quote.strip()), (remains.source, str(remains))],
        )
        before = snapshot(candidate, ["state"])
        candidate.state = CandidateState.CONFIRMED
        candidate.confirmed_by, candidate.confirmed_at = actor, timezone.now()
        candidate.save()
        remains.status = RemainsStatus.IDENTIFIED
        remains.identified_person = candidate.person
        remains.identification_event_id = event.pk
        remains.save(
            update_fields=["status", "identified_person", "identification_event_id", "updated_at"]
        )
        audit_record(
            actor=actor,
            action=Action.REMAINS_CANDIDATE_CONFIRM,
            target=candidate,
            before=before,
            after={
                "state": candidate.state,
                "event": event.pk,
                "source": source.pk,
                "person": candidate.person_id,
                "remains": remains.pk,
            },
        )
    return candidate

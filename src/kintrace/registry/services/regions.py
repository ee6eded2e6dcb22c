"""Writes of the region table (loaded from kintrace.names.regions)."""

from django.db import transaction

from kintrace.audit.actions import Action
from kintrace.audit.services import audit_record
from kintrace.names.regions import REGIONS

from ..models import (
    Region,
)

# --- regions ---------------------------------------------------------------------------


def regions_ensure_loaded() -> int:
    """Load the gazetteer of regions into the database; returns how many rows changed."""
    existing = {r.code: r for r in Region.objects.all()}
    fields = ["kind", "name_ru", "short_ru", "name_en", "federal_district", "lat", "lon"]
    create, update = [], []
    for g in REGIONS:
        values = {
            "kind": str(g.kind or ""),
            "name_ru": g.name_ru,
            "short_ru": g.short_ru or "",
            "name_en": g.name_en,
            "federal_district": g.federal_district or "",
            "lat": g.lat,
            "lon": g.lon,
        }
        row = existing.get(g.code)
        if row is None:
            create.append(Region(code=g.code, **values))
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            update.append(row)
    if not create and not update:
        return 0
    with transaction.atomic():
        Region.objects.bulk_create(create)
        Region.objects.bulk_update(update, fields)
        audit_record(
            actor=None,
            action=Action.REGION_LOAD,
            target_type="registry.region",
            after={"created": [r.code for r in create], "updated": [r.code for r in update]},
        )
    return len(create) + len(update)

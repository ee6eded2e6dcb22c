"""Rows as JSON and back, exactly: what merges and deleted events keep so they can be undone.

Generic over models (every concrete column), so a column added later is kept too.
"""

from __future__ import annotations

import base64

from django.db import models


def _encode(value):
    if value is None or isinstance(value, (bool, int, float, str, list, dict)):
        return value
    if isinstance(value, (bytes, memoryview)):  # BinaryField.to_python reads base64 back
        return base64.b64encode(bytes(value)).decode()
    # Dates and times keep their microseconds (DjangoJSONEncoder would drop them).
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def row_dump(obj: models.Model) -> dict:
    """Every concrete column of a row, JSON-safe and exact."""
    return {f.attname: _encode(getattr(obj, f.attname)) for f in obj._meta.concrete_fields}


def row_values(model, row: dict) -> dict:
    """A dumped row's columns as Python values again."""
    out = {}
    for f in model._meta.concrete_fields:
        if f.attname in row:
            v = row[f.attname]
            out[f.attname] = None if v is None else f.to_python(v)
    return out


def row_restore(model, row: dict) -> None:
    """Write a dumped row back: update it where it exists, else insert it with its own pk."""
    values = row_values(model, row)
    pk = values.pop(model._meta.pk.attname)
    # update() rather than save(): auto_now fields must come back as they were.
    if not model.objects.filter(pk=pk).update(**values):
        model.objects.bulk_create([model(pk=pk, **values)])
        # The insert stamped auto_now(_add) fields with the present time: put them back.
        model.objects.filter(pk=pk).update(**values)


def pointing_at(model) -> list[models.ForeignKey]:
    """Every foreign key (of any app, hidden related names included) that points at `model`."""
    return [
        rel.field
        for rel in model._meta.get_fields(include_hidden=True)
        if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)
    ]

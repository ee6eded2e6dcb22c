"""Every write to the registry, by section (regions, facilities, sources, persons, events,
status, merging). Keyword-only, each takes the acting user and writes its audit entry (before/after
snapshots) in the same transaction as the change. The names are re-exported here:
``from kintrace.registry.services import X`` is the way to import them."""

from ._common import KEEP, Keep, PersonMerged, name_fields, person_check_writable
from .events import (
    EVENT_FIELDS,
    citation_remove,
    event_citation_add,
    event_create,
    event_delete,
    event_person_add,
    event_restore,
    event_update,
)
from .facilities import (
    FACILITY_FIELDS,
    FacilityAmbiguous,
    facility_create,
    facility_get_or_create_from_ref,
    facility_resolve,
    facility_update,
)
from .merging import MergeError, person_fold, person_links, person_unfold
from .persons import (
    KEY_FIELDS,
    PERSON_FIELDS,
    person_create,
    person_name_add,
    person_names_rekey,
    person_update,
    persons_mark_distinct,
)
from .regions import regions_ensure_loaded
from .sources import SOURCE_FIELDS, source_create, source_update
from .status import conflict_resolve, person_status_refresh

__all__ = [
    "KEEP",
    "Keep",
    "EVENT_FIELDS",
    "FACILITY_FIELDS",
    "FacilityAmbiguous",
    "KEY_FIELDS",
    "MergeError",
    "PERSON_FIELDS",
    "PersonMerged",
    "SOURCE_FIELDS",
    "citation_remove",
    "conflict_resolve",
    "event_citation_add",
    "event_create",
    "event_delete",
    "event_person_add",
    "event_restore",
    "event_update",
    "facility_create",
    "facility_get_or_create_from_ref",
    "facility_resolve",
    "facility_update",
    "name_fields",
    "person_check_writable",
    "person_create",
    "person_fold",
    "person_links",
    "person_name_add",
    "person_names_rekey",
    "person_status_refresh",
    "person_unfold",
    "person_update",
    "persons_mark_distinct",
    "regions_ensure_loaded",
    "source_create",
    "source_update",
]

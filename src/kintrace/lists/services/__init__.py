"""Every write of the lists part: imports, match runs, review decisions, merges.

Split by what they do; import from here.
"""

from .imports import (  # noqa: F401
    DuplicateListError,
    ImportRefused,
    list_import_file,
    list_import_run,
    list_import_start,
    list_set_header_row,
    list_upload,
)
from .jobs import (  # noqa: F401
    JobRefused,
    jobs_housekeeping,
    jobs_reap_stale,
    list_delete,
    list_discard,
    list_import_cancel,
    list_import_retry,
    match_run_cancel,
)
from .matching import (  # noqa: F401
    dedupe_run,
    dedupe_running,
    dedupe_start,
    match_run,
    match_running,
    match_start,
)
from .merges import MergeError, duplicate_decide, merge_undo, persons_merge  # noqa: F401
from .review import (  # noqa: F401
    ReviewError,
    candidate_confirm,
    candidate_reject,
    candidate_skip,
    entry_create_person,
)

"""audit_verify against the tamperings of issue 9: each one, done by SQL around
audit_record, must be reported (and the untouched log must verify)."""

import pytest

from kintrace.audit import chain
from kintrace.audit.models import AuditEntry, AuditHead
from kintrace.audit.selectors import audit_head, audit_verify

from . import tampering

pytestmark = pytest.mark.django_db


def test_an_untouched_log_verifies_and_contains_its_anchored_head():
    anchor = tampering.write_log()
    report = audit_verify(expect=anchor)
    assert report.ok, report.problem
    assert report.entries == tampering.ENTRIES and report.head == anchor


def test_an_older_anchor_still_verifies_after_the_log_grew():
    older = tampering.write_log()
    from kintrace.audit.services import audit_record

    audit_record(actor=None, action="report.submit", target_type="report", target_id="9")
    report = audit_verify(expect=older)
    assert report.ok and report.entries == tampering.ENTRIES + 1


@pytest.mark.parametrize("tamper", tampering.TAMPERINGS, ids=lambda f: f.__name__)
def test_each_tampering_is_detected_against_the_anchored_head(tamper):
    anchor = tampering.write_log()
    tamper()
    report = audit_verify(expect=anchor)
    assert not report.ok
    assert report.problem and "\n" not in report.problem


@pytest.mark.parametrize(
    "tamper",
    [t for t in tampering.TAMPERINGS if t.__name__ not in tampering.NEED_ANCHOR],
    ids=lambda f: f.__name__,
)
def test_each_tampering_is_detected_even_without_an_anchor(tamper):
    tampering.write_log()
    tamper()
    assert not audit_verify().ok


def test_deleting_every_entry_is_not_reported_as_an_intact_empty_log():
    tampering.write_log()
    tampering.delete_every_entry()
    report = audit_verify()
    assert not report.ok
    assert report.problem == "the newest entries were removed: the head says 6, found 0"


def test_an_empty_log_against_an_anchor_of_six_entries_fails():
    anchor = tampering.write_log()
    tampering.delete_every_entry_and_the_head()
    report = audit_verify(expect=anchor)
    assert not report.ok
    assert report.problem == (
        "the newest entries were removed: expected head #6, the log ends at #0"
    )


def test_a_fresh_log_is_empty_and_intact():
    assert audit_verify().ok
    assert audit_head() == chain.Head(0, chain.GENESIS)
    assert audit_verify(expect=chain.Head(0, chain.GENESIS)).ok


def test_a_forged_anchor_with_the_right_length_is_refused():
    anchor = tampering.write_log()
    forged = chain.Head(anchor.seq, "f" * 64)
    report = audit_verify(expect=forged)
    assert not report.ok and "#6" in report.problem


def test_the_head_cannot_be_printed_from_a_rolled_back_head_row():
    tampering.write_log()
    tampering.delete_newest_and_roll_head_back()
    with pytest.raises(ValueError, match="altered or rolled back"):
        audit_head()


def test_the_actor_id_is_part_of_the_hash():
    tampering.write_log()
    entry = AuditEntry.objects.get(seq=1)
    assert entry.actor_id is not None and entry.scheme == chain.KEYED
    tampering.change_actor_id()
    report = audit_verify()
    assert report.problem == "entry #1 was altered"


def test_the_chain_is_keyed_by_a_file_outside_the_database(settings):
    """The same log under another data directory's key does not verify: the hashes cannot be
    recomputed from the database alone."""
    tampering.write_log()
    assert audit_verify().ok
    key_file = settings.DATA_DIR / chain.KEY_FILE
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert key_file.read_bytes().hex() not in str(list(AuditEntry.objects.values_list()))
    assert key_file.read_bytes().hex() not in str(list(AuditHead.objects.values_list()))


def test_the_head_row_is_sealed():
    tampering.write_log()
    head = AuditHead.objects.get(pk=1)
    assert head.mac == chain.head_mac(
        chain.audit_key(), seq=head.seq, hash=head.hash, legacy_seq=head.legacy_seq
    )

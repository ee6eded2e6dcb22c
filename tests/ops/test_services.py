"""Backups and verified restores are recorded through the service, audited."""

import pytest

from kintrace.audit.actions import Action
from kintrace.audit.models import AuditEntry
from kintrace.ops.selectors import last_backup, last_verified_restore
from kintrace.ops.services import backup_run_record


@pytest.mark.audits(Action.OPS_BACKUP, Action.OPS_RESTORE_VERIFY)
def test_a_backup_and_a_verified_restore_are_recorded_and_audited(db, make_staff):
    admin = make_staff("admin")
    run = backup_run_record(actor=admin, kind="backup", file_name="k.ktbackup", size=10,
                            sha256="ab" * 32, audit_head="3:" + "c" * 64)  # fmt: skip
    entry = AuditEntry.objects.latest("seq")
    assert (entry.action, entry.actor, entry.target_type, entry.target_id) == (
        Action.OPS_BACKUP, admin, "ops.backuprun", str(run.pk)
    )  # fmt: skip
    assert entry.after["sha256"] == "ab" * 32
    failed = backup_run_record(actor=None, kind="verify", file_name="k.ktbackup", size=0,
                               sha256="", audit_head="", ok=False)  # fmt: skip
    assert last_verified_restore() is None  # a failed check is no verified restore
    good = backup_run_record(actor=admin, kind="verify", file_name="k.ktbackup", size=0,
                             sha256="", audit_head="3:" + "c" * 64)  # fmt: skip
    entry = AuditEntry.objects.latest("seq")
    assert (entry.action, entry.actor, entry.target_id) == (
        Action.OPS_RESTORE_VERIFY, admin, str(good.pk)
    )  # fmt: skip
    assert (
        AuditEntry.objects.get(target_id=str(failed.pk), action=Action.OPS_RESTORE_VERIFY).after[
            "ok"
        ]
        is False
    )
    assert last_backup() == run and last_verified_restore() == good

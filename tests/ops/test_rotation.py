"""Rotating the organisation key: every report and note re-sealed, grants kept, resumable, and a
backup taken after it restores with the new recovery key only."""

import pytest

from kintrace.audit.actions import Action
from kintrace.audit.models import AuditEntry
from kintrace.intake.models import Report
from kintrace.intake.services import report_decrypt, report_open, staff_report_key
from kintrace.ops.backup import backup_write
from kintrace.ops.backupkey import private_key_text
from kintrace.ops.models import KeyRotation
from kintrace.ops.restore import RestoreError, restore_and_check
from kintrace.ops.rotation import RotationError, org_key_rotate
from kintrace.security import crypto, keys
from kintrace.security.models import UserKey
from kintrace.security.testing import TEST_PASSWORD

from .conftest import PHONE, REPORTER, STORY, SUBJECT


def _more_reports(n):
    from kintrace.intake.services import report_submit
    from kintrace.intake.validation import clean_report

    for i in range(n):
        report_submit(clean=clean_report({"subject": {"name": f"{SUBJECT} {i}"}, "message": STORY}))


def _holder(estate):
    from kintrace.accounts.models import User

    user = User.objects.create_user("keeper", password=TEST_PASSWORD, role="caseworker")
    keys.user_key_create(user=user, password=TEST_PASSWORD)
    keys.grant_key_with_private(actor=None, user=user, org_private=estate.org_private)
    return user


def _org_private_of(user) -> bytes:
    uk = UserKey.objects.get(user=user)
    return crypto.unseal(keys._unwrap_private(uk, TEST_PASSWORD), bytes(uk.sealed_org_key))


@pytest.mark.audits(Action.OPS_ORG_KEY_ROTATE)
def test_an_interrupted_rotation_resumes_and_reseals_every_report_and_grant(estate, make_staff):
    admin = make_staff("admin")
    holder = _holder(estate)
    _more_reports(4)
    first = org_key_rotate(actor=admin, org_private=estate.org_private, batch=2, max_batches=1)
    assert not first.finished and first.recovery_key == ""
    assert keys.org_public_key() == crypto.public_from_private(estate.org_private)  # not yet
    start = AuditEntry.objects.get(action=Action.OPS_ORG_KEY_ROTATE)
    assert (start.actor, start.target_type, start.after["phase"]) == (
        admin, "ops.keyrotation", "start"
    )  # fmt: skip
    _more_reports(1)  # a report comes in while the rotation is under way
    with pytest.raises(RotationError):
        org_key_rotate(actor=admin, org_private=crypto.keypair()[1])
    done = org_key_rotate(actor=admin, org_private=estate.org_private, batch=2)
    assert done.finished and done.resealed == Report.objects.count() == 6
    new_private = keys.org_private_key_from_recovery(done.recovery_key)
    assert _org_private_of(holder) == new_private  # the grant survived, re-sealed
    for report in Report.objects.all():
        report_decrypt(report, staff_report_key(report=report, org_private=new_private))
        with pytest.raises(crypto.CryptoError):
            staff_report_key(report=report, org_private=estate.org_private)
    with pytest.raises(crypto.CryptoError):
        keys.org_private_key_from_recovery(estate.recovery_key)
    access = report_open(receipt=estate.receipt)  # the reporter's receipt still works
    assert report_decrypt(access.report, access.key).private["reporter"]["contact"] == PHONE
    finish = AuditEntry.objects.filter(action=Action.OPS_ORG_KEY_ROTATE).latest("seq")
    assert finish.after["phase"] == "finish" and finish.after["grants"] == 1
    assert KeyRotation.objects.get().finished_at is not None


def test_a_backup_after_rotation_restores_with_the_new_recovery_key_only(
    estate, tmp_path, scratch_pg
):
    from django.db import connection

    done = org_key_rotate(actor=None, org_private=estate.org_private)
    result = backup_write(out=tmp_path / "b.ktbackup", public_key=estate.backup_public)
    url = scratch_pg() if connection.vendor == "postgresql" else ""
    checked = restore_and_check(
        backup=result.path, key_text=private_key_text(estate.backup_private),
        into=tmp_path / "new", database_url=url, receipt=estate.receipt,
        recovery_key=done.recovery_key, record=False,
    )  # fmt: skip
    assert "1 reports decrypt with the recovery key" in checked["done"]
    with pytest.raises(RestoreError, match="recovery key"):
        restore_and_check(
            backup=result.path, key_text=private_key_text(estate.backup_private),
            into=tmp_path / "old", database_url=scratch_pg() if url else "",
            receipt="", recovery_key=estate.recovery_key, record=False,
        )  # fmt: skip


def test_after_losing_every_staff_password_the_recovery_key_gives_a_new_admin_the_reports(
    estate, tmp_path, scratch_pg
):
    """Lost everything: the server and every key holder. A backup, its key and the printed
    recovery key rebuild the organisation elsewhere: `kintrace restore`, then
    `kintrace createstaff --recovery-key -`, whose new account reads the reporter's data."""
    import json
    import os
    import subprocess
    import sys

    from django.db import connection

    result = backup_write(out=tmp_path / "b.ktbackup", public_key=estate.backup_public)
    url = scratch_pg() if connection.vendor == "postgresql" else ""
    into = tmp_path / "elsewhere"
    key_file = tmp_path / "backup.key"
    key_file.write_text(private_key_text(estate.backup_private))
    env = dict(os.environ, KINTRACE_DATA_DIR=str(into))
    env.pop("DATABASE_URL", None)
    if url:
        env["DATABASE_URL"] = url
    cli = [sys.executable, "-m", "kintrace.cli"]
    restore = [*cli, "restore", str(result.path), "--into", str(into), "--key-file", str(key_file)]
    if url:
        restore += ["--database-url", url]
    done = subprocess.run(restore, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    made = subprocess.run(
        [*cli, "createstaff", "rescuer", "--role", "admin", "--recovery-key", "-"],
        input=estate.recovery_key + "\n", capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    password = next(
        line.split(":", 1)[1].strip() for line in made.stdout.splitlines() if "password:" in line
    )
    script = (
        "import json, sys\n"
        "from kintrace.cli import setup_django\n"
        "setup_django()\n"
        "from kintrace.accounts.models import User\n"
        "from kintrace.intake.models import Report\n"
        "from kintrace.intake.services import report_decrypt, staff_report_key\n"
        "from kintrace.security import crypto, keys\n"
        "uk = User.objects.get(username='rescuer').security_key\n"
        "own = keys._unwrap_private(uk, sys.argv[1])\n"
        "org = crypto.unseal(own, bytes(uk.sealed_org_key))\n"
        "r = Report.objects.get()\n"
        "key = staff_report_key(report=r, org_private=org)\n"
        "print(json.dumps(report_decrypt(r, key).private))\n"
    )
    read = subprocess.run([sys.executable, "-c", script, password], capture_output=True,
                          text=True, env=env, check=False)  # fmt: skip
    assert read.returncode == 0, read.stderr
    private = json.loads(read.stdout.strip().splitlines()[-1])
    assert private["reporter"]["name"] == REPORTER and private["reporter"]["contact"] == PHONE


def _power_cut_at(report_pk: int) -> None:
    """A trigger that fails the update of one report's sealed key: the rotation dies in the
    middle of a batch, its transaction rolled back, as when the process is killed there."""
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(
                "CREATE TRIGGER power_cut BEFORE UPDATE OF key_for_org ON intake_report "
                f"WHEN NEW.id = {report_pk} BEGIN SELECT RAISE(ABORT, 'power cut'); END"
            )
        else:
            cur.execute(
                "CREATE FUNCTION power_cut() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'power cut'; END $$"
            )
            cur.execute(
                "CREATE TRIGGER power_cut BEFORE UPDATE OF key_for_org ON intake_report "
                f"FOR EACH ROW WHEN (NEW.id = {report_pk}) EXECUTE FUNCTION power_cut()"
            )


def _power_back() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("DROP TRIGGER power_cut")
        else:
            cur.execute("DROP TRIGGER power_cut ON intake_report")
            cur.execute("DROP FUNCTION power_cut()")


def test_a_rotation_that_dies_in_the_middle_of_a_batch_resumes_from_the_last_whole_batch(
    estate,
):
    from django.db import DatabaseError

    _more_reports(5)
    pks = list(Report.objects.order_by("pk").values_list("pk", flat=True))
    sealed_before = {r.pk: bytes(r.key_for_org) for r in Report.objects.all()}
    _power_cut_at(pks[5])  # batches of 2: [0, 1] and [2, 3] commit, [4, 5] dies at 5
    with pytest.raises(DatabaseError, match="power cut"):
        org_key_rotate(actor=None, org_private=estate.org_private, batch=2)
    _power_back()
    rotation = KeyRotation.objects.get()
    assert rotation.finished_at is None and rotation.last_report_id == pks[3]
    sealed = {r.pk: bytes(r.key_for_org) for r in Report.objects.all()}
    assert [sealed[pk] != sealed_before[pk] for pk in pks] == [True] * 4 + [False] * 2
    # No switch yet: the organisation key is the old one, and the batch that died left its
    # reports sealed to it (the first was re-sealed, then rolled back).
    assert keys.org_public_key() == crypto.public_from_private(estate.org_private)
    for report in Report.objects.filter(pk__in=pks[4:]):
        report_decrypt(report, staff_report_key(report=report, org_private=estate.org_private))
    done = org_key_rotate(actor=None, org_private=estate.org_private, batch=2)
    assert done.finished and done.resealed == 6
    new_private = keys.org_private_key_from_recovery(done.recovery_key)
    for report in Report.objects.all():
        report_decrypt(report, staff_report_key(report=report, org_private=new_private))
    phases = [e.after["phase"] for e in AuditEntry.objects.filter(action=Action.OPS_ORG_KEY_ROTATE)]
    assert phases == ["start", "finish"]  # resumed, not started again

"""The staff page shows an administrator the last backup and the last verified restore."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kintrace.ops.models import BackupRun
from kintrace.ops.services import backup_run_record

pytestmark = pytest.mark.django_db


def test_an_admin_sees_the_last_backup_and_verified_restore(make_staff, login):
    admin = make_staff("admin")
    backup_run_record(actor=None, kind="backup", file_name="kintrace-1.ktbackup", size=1,
                      sha256="", audit_head="")  # fmt: skip
    backup_run_record(actor=None, kind="verify", file_name="kintrace-0.ktbackup", size=1,
                      sha256="", audit_head="")  # fmt: skip
    html = login(admin).get(reverse("accounts:staff")).content.decode()
    section = html.split('id="backups"')[1]
    assert "kintrace-1.ktbackup" in section and "kintrace-0.ktbackup" in section
    assert "st-grave" not in section


def test_a_late_or_missing_backup_is_flagged(make_staff, login):
    admin = make_staff("admin")
    c = login(admin)
    assert "st-grave" in c.get(reverse("accounts:staff")).content.decode().split('id="backups"')[1]
    run = backup_run_record(actor=None, kind="backup", file_name="old.ktbackup", size=1,
                            sha256="", audit_head="")  # fmt: skip
    BackupRun.objects.filter(pk=run.pk).update(at=timezone.now() - datetime.timedelta(hours=30))
    assert "st-grave" in c.get(reverse("accounts:staff")).content.decode().split('id="backups"')[1]


def test_a_coordinator_and_an_outsider_do_not_see_the_backups(make_staff, login, client):
    backup_run_record(actor=None, kind="backup", file_name="secret-name.ktbackup", size=1,
                      sha256="", audit_head="")  # fmt: skip
    assert client.get(reverse("accounts:staff")).status_code in (302, 403)
    html = login(make_staff("coordinator")).get(reverse("accounts:staff")).content.decode()
    assert 'id="backups"' not in html and "secret-name" not in html

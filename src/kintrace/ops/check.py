"""Check a restored place, run inside it (`kintrace backup check-restored`, started by restore
with KINTRACE_DATA_DIR and DATABASE_URL naming the restored place).

The checks, in order (the first failure stops them):
1. counts: every table holds the number of rows the manifest counted in the snapshot;
2. migrations: every migration the backup had is applied, and `migrate` applies the rest;
3. audit: `audit_verify` passes and contains the manifest's head (so no entry is missing);
4. receipt (when one is given): the receipt opens its report and the report decrypts;
5. recovery key (when given): it opens the organisation key, and every report's data key
   unseals with it and decrypts the report.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, connections, transaction
from django.db.migrations.recorder import MigrationRecorder

from kintrace.audit.chain import head_parse
from kintrace.audit.selectors import audit_verify
from kintrace.intake.models import Report
from kintrace.intake.services import report_decrypt, report_open, staff_report_key
from kintrace.security import crypto
from kintrace.security.keys import org_private_key_from_recovery
from kintrace.security.receipts import ReceiptUnreadable

from .messages import OpsError, gettext_noop


class CheckFailed(OpsError):
    """A check of the restored place failed (message: which, and why)."""


@dataclass
class CheckReport:
    """done, skipped: the English lines (recorded in BackupRun.detail); said: the same as
    {"done": [[template, params], …], "skipped": […]} for the command line to translate."""

    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    said: dict = field(default_factory=lambda: {"done": [], "skipped": []})

    def did(self, template: str, **params: object) -> None:
        self.done.append(template % params if params else template)
        self.said["done"].append([template, params])

    def skip(self, template: str) -> None:
        self.skipped.append(template)
        self.said["skipped"].append([template, {}])


def _table_counts(tables) -> dict[str, int]:
    out = {}
    with connection.cursor() as cur:
        existing = set(connection.introspection.table_names(cur))
        for t in tables:
            if t not in existing:
                out[t] = -1
                continue
            cur.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(t)}")  # noqa: S608 - catalogue names
            out[t] = cur.fetchone()[0]
    return out


def check_counts(manifest: dict, *, ignore: tuple[str, ...] = ()) -> None:
    expected = {t: n for t, n in manifest["counts"].items() if t not in ignore}
    found = _table_counts(expected)
    for t, n in sorted(expected.items()):
        if found[t] != n:
            if found[t] < 0:
                raise CheckFailed(
                    gettext_noop("counts: table %(table)s is missing, the manifest says %(n)d"),
                    table=t, n=n,
                )  # fmt: skip
            raise CheckFailed(
                gettext_noop("counts: table %(table)s has %(got)d rows, the manifest says %(n)d"),
                table=t, got=found[t], n=n,
            )  # fmt: skip


def check_migrations(manifest: dict) -> None:
    call_command("migrate", interactive=False, verbosity=0)
    applied = set(MigrationRecorder(connection).applied_migrations())
    missing = [f"{a}.{n}" for a, n in manifest["migrations"] if (a, n) not in applied]
    if missing:
        raise CheckFailed(
            gettext_noop("migrations: not applied after migrate: %(names)s"),
            names=", ".join(missing[:5]),
        )


def check_audit(manifest: dict) -> None:
    report = audit_verify(expect=head_parse(manifest["audit_head"]))
    if not report.ok:
        raise CheckFailed(gettext_noop("audit: %(problem)s"), problem=report.problem)


def check_receipt(receipt: str) -> None:
    try:
        access = report_open(receipt=receipt)
    except ReceiptUnreadable:
        raise CheckFailed(
            gettext_noop("receipt: what was given is not a receipt (check the receipt file)")
        ) from None
    if access is None:
        raise CheckFailed(gettext_noop("receipt: the receipt opens no report"))
    report_decrypt(access.report, access.key)


def check_recovery_key(recovery_key: str) -> int:
    """Open every report with the organisation key from the recovery key; the count."""
    try:
        private = org_private_key_from_recovery(recovery_key)
    except crypto.CryptoError:
        raise CheckFailed(
            gettext_noop("recovery key: it does not open the organisation key")
        ) from None
    n = 0
    for report in Report.objects.order_by("pk").iterator(chunk_size=500):
        try:
            report_decrypt(report, staff_report_key(report=report, org_private=private))
        except crypto.CryptoError:
            raise CheckFailed(
                gettext_noop("recovery key: report %(id)d does not decrypt"), id=report.pk
            ) from None
        n += 1
    return n


def restored_check(
    manifest: dict, *, receipt: str = "", recovery_key: str = "", counts_checked: bool = False
) -> CheckReport:
    """Run the checks above against the configured database and data directory; raise
    CheckFailed at the first failure. `counts_checked`: the rows were already compared
    (a copy from SQLite, compared before its migrations)."""
    out = CheckReport()
    if not counts_checked:
        check_counts(manifest)
    out.did(gettext_noop("counts of %(n)d tables"), n=len(manifest["counts"]))
    check_migrations(manifest)
    out.did(gettext_noop("migrations apply"))
    check_audit(manifest)
    out.did(gettext_noop("audit chain verifies, head %(head)s"), head=manifest["audit_head"])
    if receipt:
        check_receipt(receipt)
        out.did(gettext_noop("a receipt opens its report"))
    else:
        out.skip(gettext_noop("receipt (none given)"))
    if recovery_key:
        n = check_recovery_key(recovery_key)
        if n:
            out.did(gettext_noop("%(n)d reports decrypt with the recovery key"), n=n)
        else:  # it opened the organisation key; there was no report to try it on
            out.did(gettext_noop("the recovery key opens the organisation key (no report yet)"))
    else:
        out.skip(gettext_noop("recovery key (none given)"))
    return out


# --- SQLite -> PostgreSQL ------------------------------------------------------------------


def _copied_models():
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy
    ]


def load_from_sqlite(source: Path, manifest: dict) -> None:
    """Copy every row of the SQLite snapshot `source` into the configured (PostgreSQL)
    database: `migrate` up to the code's migrations, empty what migrate wrote (content types,
    permissions), then each model's rows with their own ids in one transaction (foreign keys
    are checked at commit), and the id sequences set past the largest id. Timestamps are
    copied as stored (auto_now is held off). Raises CheckFailed when a table's count then
    differs from the manifest."""
    call_command("migrate", interactive=False, verbosity=0)
    cfg = connections.configure_settings(
        {"default": {"ENGINE": "django.db.backends.dummy"},
         "source": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(source)}}
    )["source"]  # fmt: skip
    connections.settings["source"] = cfg
    models = _copied_models()
    held = []
    for m in models:
        for f in m._meta.local_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                held.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        with transaction.atomic():
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
            with connection.cursor() as cur:
                cur.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
            for m in models:
                batch = []
                for obj in m._base_manager.using("source").order_by("pk").iterator(2000):
                    obj._state.db = None
                    obj._state.adding = True
                    batch.append(obj)
                    if len(batch) >= 2000:
                        m._base_manager.bulk_create(batch)
                        batch = []
                if batch:
                    m._base_manager.bulk_create(batch)
            with connection.cursor() as cur:
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cur.execute(sql)
    finally:
        for f, now, now_add in held:
            f.auto_now, f.auto_now_add = now, now_add
        connections["source"].close()
    check_counts(manifest, ignore=("django_migrations",))

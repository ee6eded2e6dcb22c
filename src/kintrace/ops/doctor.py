"""`kintrace doctor`: what a deployment should look like, checked (docs/operations.md).

Each check gives a level ("ok", "warn", "fail") and one line; nothing here writes anything or
prints a secret. A "fail" makes the command exit 1.
"""

import datetime
import stat
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kintrace.security.keys import org_keys_exist

from .selectors import last_backup, last_verified_restore

SECRET_FILES = ("secret_key", "receipt_salt", "audit_key", "totp_key")
VERIFY_MAX_AGE = datetime.timedelta(days=31)


@dataclass(frozen=True)
class Finding:
    level: str  # "ok", "warn" or "fail"
    text: str


def _data_dir() -> list[Finding]:
    d = Path(settings.DATA_DIR)
    out = []
    mode = stat.S_IMODE(d.stat().st_mode)
    if mode & 0o077:
        out.append(
            Finding(
                "fail",
                _("data directory %(path)s is mode %(mode)s; make it 0700")
                % {"path": d, "mode": f"{mode:o}"},
            )
        )
    else:
        out.append(
            Finding(
                "ok",
                _("data directory %(path)s is the owner's alone (%(mode)s)")
                % {"path": d, "mode": f"{mode:o}"},
            )
        )
    for name in SECRET_FILES:
        p = d / name
        if not p.exists():
            level = "warn" if name in ("receipt_salt", "totp_key") else "fail"
            if name == "secret_key" and settings.PRODUCTION:
                continue  # production takes it from KINTRACE_SECRET_KEY (settings refuse else)
            out.append(
                Finding(level, _("%(name)s is missing from the data directory") % {"name": name})
            )
        elif stat.S_IMODE(p.stat().st_mode) & 0o077:
            out.append(
                Finding("fail", _("%(name)s is readable by others; chmod 600 it") % {"name": name})
            )
    if not (d / "backup_public_key").exists():
        out.append(Finding("warn", _("no backup public key: run `kintrace backup keygen`")))
    return out


def _settings() -> list[Finding]:
    out = []
    if not settings.PRODUCTION:
        out.append(Finding("warn", _("KINTRACE_MODE is not production")))
    else:
        out.append(Finding("ok", _("production mode")))
        if not settings.TRUSTED_PROXY:
            out.append(Finding("warn", _("KINTRACE_TRUSTED_PROXY is unset: HTTPS is not detected")))
    if settings.DEBUG:
        out.append(Finding("fail", _("KINTRACE_DEBUG is on")))
    if connections[DEFAULT_DB_ALIAS].vendor == "sqlite":
        out.append(Finding("ok", _("SQLite database (fine for one small group; see PostgreSQL)")))
    return out


def _database() -> list[Finding]:
    conn = connections[DEFAULT_DB_ALIAS]
    try:
        executor = MigrationExecutor(conn)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as e:
        return [
            Finding("fail", _("the database cannot be read: %(why)s") % {"why": type(e).__name__})
        ]
    out = [
        Finding(
            "fail",
            _("migrations not applied: %(n)d; run `kintrace serve` or migrate")
            % {"n": len(pending)},
        )
        if pending
        else Finding("ok", _("database reachable, migrations applied"))
    ]
    if org_keys_exist():
        out.append(Finding("ok", _("organisation keys exist")))
    else:
        out.append(
            Finding("warn", _("no organisation keys yet: `kintrace createstaff` makes them"))
        )
    return out


def _backups(max_age: datetime.timedelta) -> list[Finding]:
    now = timezone.now()
    out = []
    last = last_backup()
    if last is None:
        out.append(Finding("fail", _("no backup was ever written")))
    elif now - last.at > max_age:
        out.append(
            Finding("fail", _("the last backup is %(age)s old") % {"age": _age(now - last.at)})
        )
    else:
        out.append(Finding("ok", _("last backup %(age)s ago") % {"age": _age(now - last.at)}))
    verified = last_verified_restore()
    if verified is None:
        out.append(Finding("warn", _("no backup was ever restored and verified")))
    elif now - verified.at > VERIFY_MAX_AGE:
        out.append(
            Finding(
                "warn",
                _("the last verified restore is %(age)s old") % {"age": _age(now - verified.at)},
            )
        )
    else:
        out.append(
            Finding("ok", _("last verified restore %(age)s ago") % {"age": _age(now - verified.at)})
        )
    return out


def _age(delta: datetime.timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    if hours >= 48:
        return ngettext("%(n)d day", "%(n)d days", hours // 24) % {"n": hours // 24}
    return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}


def doctor_findings() -> list[Finding]:
    """Every check, in the order printed."""
    max_age = datetime.timedelta(hours=settings.KINTRACE_BACKUP_MAX_AGE_HOURS)
    return _settings() + _data_dir() + _database() + _backups(max_age)

"""`kintrace backup`, `kintrace restore`, `kintrace keys rotate`, `kintrace doctor`
(docs/operations.md).

    kintrace backup keygen [--shares N --threshold K]   print the backup private key (or shares)
    kintrace backup --out FILE|DIR [--keep N]            write an encrypted backup
    kintrace backup --verify FILE --key-file F           restore into a scratch place, check, delete
    kintrace restore FILE --into DIR --key-file F                  SQLite, into a new directory
    kintrace restore FILE --into postgres://… --data-dir DIR --key-file F   PostgreSQL

Exit status: 0 done; 1 the backup, restore or a check failed (one line on stderr says which);
2 a usage error (a missing key, a non-empty target).
"""

import json
import os
import shutil
import sys
from pathlib import Path

from kintrace import config

from .messages import gettext_noop

PUBLIC_KEY_FILE = "backup_public_key"


def register(sub) -> None:
    b = sub.add_parser(
        "backup",
        help="write an encrypted backup, verify one, or make the backup key",
        description="Write an encrypted backup (--out), verify one (--verify), or make the "
        "backup key pair (keygen). See docs/operations.md.",
    )
    b.add_argument(
        "action",
        nargs="?",
        choices=("keygen", "check-restored"),
        help="keygen: make the backup key pair and print the private key (check-restored is "
        "run by restore itself, inside the restored place)",
    )
    b.add_argument("--out", metavar="FILE|DIR", help="write the backup here (a new file, or a "
                   "directory where kintrace-<UTC time>.ktbackup is written)")  # fmt: skip
    b.add_argument("--keep", type=int, metavar="N", help="with --out DIR: delete all but the N "
                   "newest backups there after writing")  # fmt: skip
    b.add_argument("--public-key", metavar="FILE", help="the backup public key (default: "
                   "KINTRACE_DATA_DIR/backup_public_key, written by keygen)")  # fmt: skip
    b.add_argument("--verify", metavar="FILE", help="restore FILE into a scratch place, check "
                   "it as restore does, delete the scratch place")  # fmt: skip
    _key_args(b)
    b.add_argument("--shares", type=int, default=1, help="keygen: split the private key into "
                   "N SLIP-39 word shares")  # fmt: skip
    b.add_argument("--threshold", type=int, default=1, help="keygen: shares needed to recover")
    b.add_argument("--force", action="store_true", help="keygen: replace an existing key pair")
    b.set_defaults(func=backup_command)

    r = sub.add_parser(
        "restore",
        help="restore a backup into an empty place and verify it",
        description="Restore FILE into an empty place, then check it: --into DIR (a new "
        "data directory, SQLite inside it) or --into URL (an empty PostgreSQL database, with "
        "--data-dir DIR for the stored files and keys). See docs/operations.md.",
    )
    r.add_argument("file", metavar="FILE")
    r.add_argument("--into", required=True, metavar="DIR|URL", help="a new data directory "
                   "(must not exist or be empty), or an empty PostgreSQL database "
                   "(postgres://…)")  # fmt: skip
    r.add_argument("--data-dir", metavar="DIR", default="", help="with --into URL: the new "
                   "data directory for the stored files and keys (must not exist or be "
                   "empty)")  # fmt: skip
    r.add_argument("--database-url", metavar="URL", default="", help="the older spelling of "
                   "--into URL: --into DIR --database-url URL")  # fmt: skip
    _key_args(r)
    r.set_defaults(func=restore_command)
    register_more(sub)


def _key_args(p) -> None:
    p.add_argument("--key-file", metavar="FILE", help="the backup private key, or SLIP-39 "
                   "shares one per line ('-' reads standard input)")  # fmt: skip
    p.add_argument("--receipt-file", metavar="FILE", help="a receipt known to the checker: the "
                   "restored place must open its report")  # fmt: skip
    p.add_argument("--recovery-key-file", metavar="FILE", help="the organisation recovery key: "
                   "every report must decrypt with it")  # fmt: skip


def _err(msg: str) -> None:
    print(f"kintrace: {msg}", file=sys.stderr)


def _read_secret(path: str | None, *, stdin_used: list) -> str:
    if not path:
        return ""
    if path == "-":
        if stdin_used:
            raise ValueError(
                _say(gettext_noop("only one of the key files can be read from standard input"))
            )
        stdin_used.append(True)
        return sys.stdin.read()
    try:
        return Path(path).read_text()
    except OSError as e:
        raise ValueError(_os_message(e, path)) from None


def _secrets(args) -> tuple[str, str, str]:
    used: list = []
    key = _read_secret(args.key_file, stdin_used=used)
    receipt = _read_secret(args.receipt_file, stdin_used=used).strip()
    recovery = _read_secret(args.recovery_key_file, stdin_used=used).strip()
    return key, receipt, recovery


# --- backup --------------------------------------------------------------------------------


def backup_command(args) -> int:
    if args.action == "check-restored":
        return _check_restored()
    if args.action == "keygen":
        return _keygen(args)
    if bool(args.out) == bool(args.verify):
        _err(
            _say(gettext_noop("backup"))
            + ": "
            + _say(
                gettext_noop("give --out FILE|DIR to write a backup, or --verify FILE to check one")
            )
        )
        return 2
    if args.verify:
        return _verify(args)
    return _backup(args)


def _keygen(args) -> int:
    from kintrace.cli import setup_django

    setup_django()
    from django.conf import settings

    from .backupkey import (
        BackupKeyError,
        backup_keypair,
        private_key_split,
        private_key_text,
        public_key_text,
    )

    keygen = _say(gettext_noop("backup keygen"))
    path = Path(settings.DATA_DIR) / PUBLIC_KEY_FILE
    if path.exists() and not args.force:
        _err(f"{keygen}: " + _say(gettext_noop(
            "%(path)s exists; --force replaces it (older backups then need the old private key)"
        ), path=str(path)))  # fmt: skip
        return 2
    public, private = backup_keypair()
    try:
        shares = (
            private_key_split(private, threshold=args.threshold, shares=args.shares)
            if args.shares > 1
            else None
        )
    except BackupKeyError as e:
        _err(f"{keygen}: {_message(e)}")
        return 2
    tmp = path.with_name(path.name + ".new")
    tmp.write_text(public_key_text(public) + "\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    print(_say(gettext_noop("public key written to %(path)s"), path=str(path)))
    print(_say(gettext_noop(
        "The private key is shown now and never again. kintrace does not keep it."
    )))  # fmt: skip
    if shares:
        print(_say(gettext_noop(
            "Shares needed to restore a backup: %(threshold)d of %(shares)d. Give each to a "
            "different trustee, on paper."
        ), threshold=args.threshold, shares=args.shares))  # fmt: skip
        # "share i/n:" and "backup private key:" stay as they are: restore reads them back.
        for i, share in enumerate(shares, 1):
            print(f"share {i}/{args.shares}: {share}")
    else:
        print(f"backup private key: {private_key_text(private)}")
    return 0


def _backup(args) -> int:
    from kintrace.cli import setup_django

    setup_django()
    from django.conf import settings

    from .backup import BackupError, backup_name, backup_write, backups_prune
    from .backupkey import BackupKeyError, public_key_parse
    from .services import backup_run_record

    backup = _say(gettext_noop("backup"))
    key_path = Path(args.public_key or Path(settings.DATA_DIR) / PUBLIC_KEY_FILE)
    try:
        public = public_key_parse(key_path.read_text())
    except FileNotFoundError:
        _err(f"{backup}: " + _say(gettext_noop(
            "no public key at %(path)s; run `kintrace backup keygen` first"
        ), path=str(key_path)))  # fmt: skip
        return 2
    except (BackupKeyError, OSError, UnicodeDecodeError) as e:
        why = (
            _say(gettext_noop("not a kintrace backup public key"))
            if isinstance(e, UnicodeDecodeError)
            else _message(e)
        )
        _err(f"{backup}: {key_path}: {why}")
        return 2
    out = Path(args.out)
    if out.is_dir():
        directory, out = out, out / backup_name()
    elif args.keep is not None:
        _err(f"{backup}: " + _say(gettext_noop("--keep needs --out DIR")))
        return 2
    else:
        directory = None
    if args.keep is not None and args.keep < 1:
        _err(f"{backup}: " + _say(gettext_noop("--keep must be at least 1")))
        return 2
    try:
        result = backup_write(out=out, public_key=public)
    except (BackupError, OSError) as e:
        _err(f"{backup}: {_message(e)}")
        return 1
    m = result.manifest
    backup_run_record(
        actor=None,
        kind="backup",
        file_name=result.path.name,
        size=result.size,
        sha256=result.sha256,
        audit_head=m["audit_head"],
        detail={"engine": m["engine"], "parts": len(m["parts"]), "counts": m["counts"]},
    )
    print(_say(gettext_noop("backup written: %(path)s (%(size)d bytes, sha256 %(sha)s)"),
               path=str(result.path), size=result.size, sha=result.sha256))  # fmt: skip
    print(_say(gettext_noop("audit head %(head)s; parts: %(n)d"), head=m["audit_head"],
               n=len(m["parts"])))  # fmt: skip
    if directory is not None and args.keep:
        for p in backups_prune(directory, keep=args.keep):
            print(_say(gettext_noop("deleted old backup %(name)s"), name=p.name))
    return 0


# --- restore and verify --------------------------------------------------------------------


def _check_restored() -> int:
    """Run inside the restored place (started by restore_into; reads its request on stdin)."""
    request = json.loads(sys.stdin.read())
    from kintrace.cli import setup_django

    setup_django()
    from .check import CheckFailed, load_from_sqlite, restored_check
    from .services import backup_run_record

    manifest = json.loads(Path(request["manifest"]).read_text())
    try:
        if request["load_sqlite"]:
            load_from_sqlite(Path(request["load_sqlite"]), manifest)
        report = restored_check(
            manifest,
            receipt=request["receipt"],
            recovery_key=request["recovery_key"],
            counts_checked=bool(request["load_sqlite"]),
        )
    except CheckFailed as e:
        # The restoring command translates it into its own language: the template goes back.
        print(json.dumps({"failed": e.template, "params": e.params}))
        _err(f"check failed: {e}")
        return 1
    if request["record"]:
        backup_run_record(
            actor=None,
            kind="verify",
            file_name=request["backup_name"],
            size=0,
            sha256="",
            audit_head=manifest["audit_head"],
            detail={"done": report.done, "skipped": report.skipped},
        )
    print(json.dumps({"done": report.done, "skipped": report.skipped, "said": report.said}))
    return 0


def _print_result(result: dict) -> None:
    """The checks done and skipped, translated (the child sends their templates in "said")."""
    said = result.get("said") or {
        "done": [[line, {}] for line in result["done"]],
        "skipped": [[line, {}] for line in result["skipped"]],
    }
    for template, params in said["done"]:
        print(f"  ok: {_say(template, **params)}")
    not_checked = _say(gettext_noop("not checked"))
    for template, params in said["skipped"]:
        print(f"  {not_checked}: {_say(template, **params)}")


def _errors():
    from .archive import BackupFileError
    from .backupkey import BackupKeyError
    from .restore import RestoreError

    return (BackupFileError, BackupKeyError, RestoreError, ValueError, OSError, EOFError)


# Set by `restore` alone: it runs before any data directory exists (loading kintrace.settings
# would make one), so its messages come from a Django configured with the catalogue only.
# Every other command loads the whole of kintrace first: a catalogue-only Django set up by a
# message would leave it without its apps (`backup --verify` then failed on AuditHead).
_CATALOGUE_ONLY = False


def _gettext(message: str) -> str:
    """`message` in the deployment's language: kintrace's settings are loaded first, unless
    `restore` asked for the catalogue alone (see _CATALOGUE_ONLY)."""
    from django.conf import settings

    if not settings.configured and not _CATALOGUE_ONLY:
        from kintrace.cli import setup_django

        setup_django()
    if not settings.configured:
        import django

        settings.configure(
            USE_I18N=True,
            LANGUAGE_CODE=config.LANGUAGE_CODE,
            LOCALE_PATHS=[config.LOCALE_DIR],
            INSTALLED_APPS=[],
        )
        django.setup()
    from django.utils.translation import gettext

    return gettext(message)


def _message(e: BaseException) -> str:
    """An error's line, translated: the ops errors carry a template (messages.OpsError); an
    OSError names its file; a tar archive that ends early (EOFError) is a backup cut short.
    Other errors (a ValueError already translated where it was raised) print as they are."""
    template = getattr(e, "template", None)
    if template:
        params = getattr(e, "params", {})
        return _say(template, **{
            k: _message(v) if isinstance(v, BaseException) else v for k, v in params.items()
        })  # fmt: skip
    if isinstance(e, OSError):
        return _os_message(e, e.filename)
    if isinstance(e, EOFError):
        return _say(gettext_noop("the backup file is cut short"))
    return str(e)


def _os_message(e: OSError, path: object) -> str:
    """'cannot use PATH: why' where the system's reason (strerror) follows in its own words:
    the C library's text, English unless the system's locale says otherwise."""
    why = e.strerror or type(e).__name__
    if path is None:
        return _say(gettext_noop("a file operation failed: %(why)s"), why=why)
    return _say(gettext_noop("cannot use %(path)s: %(why)s"), path=str(path), why=why)


def _say(template: str, **params: object) -> str:
    return _gettext(template) % params if params else _gettext(template)


_URL_SCHEMES = ("postgres://", "postgresql://")


def _restore_target(args) -> tuple[Path, str]:
    """(data directory, database URL or "") from --into, --data-dir and --database-url;
    ValueError with a translated line for a combination that names no place or two."""
    into, url = args.into, args.database_url
    if "://" in into:
        if not into.startswith(_URL_SCHEMES):
            raise ValueError(
                _say(gettext_noop("--into takes a directory or a PostgreSQL URL (postgres://…)"))
            )
        if url:
            raise ValueError(
                _say(gettext_noop("give the database once: --into URL or --database-url URL"))
            )
        if not args.data_dir:
            raise ValueError(
                _say(
                    gettext_noop(
                        "--into URL needs --data-dir DIR, a new directory for files and keys"
                    )
                )
            )
        return Path(args.data_dir).resolve(), into
    if args.data_dir:
        raise ValueError(
            _say(gettext_noop("--data-dir goes with --into URL; --into DIR is the data directory"))
        )
    if url and not url.startswith(_URL_SCHEMES):
        raise ValueError(_say(gettext_noop("--database-url takes a PostgreSQL URL (postgres://…)")))
    return Path(into).resolve(), url


def restore_command(args) -> int:
    global _CATALOGUE_ONLY
    _CATALOGUE_ONLY = True
    restore = _gettext(gettext_noop("restore"))
    try:
        key, receipt, recovery = _secrets(args)
        into, database_url = _restore_target(args)
    except ValueError as e:
        _err(f"{restore}: {e}")
        return 2
    if not key:
        _err(
            f"{restore}: "
            + _say(
                gettext_noop("give the backup private key with --key-file FILE (or - for stdin)")
            )
        )
        return 2
    from .restore import restore_and_check

    try:
        result = restore_and_check(
            backup=Path(args.file), key_text=key, into=into, database_url=database_url,
            receipt=receipt, recovery_key=recovery, record=True,
        )  # fmt: skip
    except _errors() as e:
        _err(f"{restore}: {_message(e)}")
        return 1
    if database_url:
        print(_say(gettext_noop("restored into %(place)s and the database"), place=str(into)))
    else:
        print(_say(gettext_noop("restored into %(place)s"), place=str(into)))
    _print_result(result)
    return 0


def _scratch_database(settings_dict: dict, suffix: str) -> tuple[str, str]:
    """A new empty database beside the configured one (same server and role): (URL, name).
    Needs the CREATEDB right; ValueError with one line otherwise."""
    from urllib.parse import quote

    import psycopg

    name = f"{settings_dict['NAME']}_verify_{suffix}"
    try:
        with _admin_connection(settings_dict) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as e:
        first = str(e).strip().splitlines()[0]
        raise ValueError(
            _say(gettext_noop("cannot create a scratch database: %(why)s"), why=first)
        ) from None
    user = quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password, safe='')}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or ""
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    if host.startswith("/"):  # a Unix socket directory
        query = f"host={quote(host, safe='')}" + (f"&port={port[1:]}" if port else "")
        return f"postgres://{auth}/{name}?{query}", name
    return f"postgres://{auth}{host}{port}/{name}", name


def _admin_connection(settings_dict: dict):
    import psycopg

    params = {
        "dbname": settings_dict["NAME"],
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
    }
    return psycopg.connect(autocommit=True, **{k: v for k, v in params.items() if v})


def _drop_database(settings_dict: dict, name: str) -> None:
    with _admin_connection(settings_dict) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _verify(args) -> int:
    verify = _say(gettext_noop("backup --verify"))
    try:
        key, receipt, recovery = _secrets(args)
    except ValueError as e:
        _err(f"{verify}: {e}")
        return 2
    if not key:
        _err(f"{verify}: " + _say(
            gettext_noop("give the backup private key with --key-file FILE (or - for stdin)")
        ))  # fmt: skip
        return 2
    from kintrace.cli import setup_django

    setup_django()
    import secrets
    import tempfile

    from django.conf import settings
    from django.db import connection

    from .restore import restore_and_check
    from .services import backup_run_record

    scratch = Path(tempfile.mkdtemp(prefix=".verify-", dir=settings.DATA_DIR))
    db_url, db_name = "", ""
    live = connection.settings_dict
    try:
        if connection.vendor == "postgresql":
            db_url, db_name = _scratch_database(live, secrets.token_hex(4))
        result = restore_and_check(
            backup=Path(args.verify), key_text=key, into=scratch / "data", database_url=db_url,
            receipt=receipt, recovery_key=recovery, record=False,
        )  # fmt: skip
    except _errors() as e:
        _err(f"{verify}: {_message(e)}")
        backup_run_record(actor=None, kind="verify", file_name=Path(args.verify).name, size=0,
                          sha256="", audit_head="", ok=False, detail={"error": str(e)})  # fmt: skip
        return 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if db_name:
            _drop_database(live, db_name)
    backup_run_record(
        actor=None,
        kind="verify",
        file_name=Path(args.verify).name,
        size=Path(args.verify).stat().st_size,
        sha256="",
        audit_head=result["manifest"]["audit_head"],
        detail={"done": result["done"], "skipped": result["skipped"]},
    )
    print(_say(gettext_noop("backup %(path)s restores and checks"), path=args.verify))
    _print_result(result)
    return 0


# --- keys rotate, doctor -------------------------------------------------------------------


def register_more(sub) -> None:
    k = sub.add_parser("keys", help="organisation key operations")
    ksub = k.add_subparsers(dest="keys_command", metavar="ACTION")
    ksub.required = True
    rot = ksub.add_parser(
        "rotate",
        help="rotate the organisation key (resumable); prints the new recovery key",
        description="Make a new organisation key pair, re-seal every report key, case note and "
        "staff grant to it, and print the new recovery key once. Run again to resume an "
        "interrupted rotation (with the same, old, recovery key).",
    )
    rot.add_argument("--recovery-key-file", required=True, metavar="FILE",
                     help="the current recovery key ('-' reads standard input)")  # fmt: skip
    rot.set_defaults(func=rotate_command)
    d = sub.add_parser("doctor", help="check this deployment's settings, data directory, keys "
                       "and backups")  # fmt: skip
    d.set_defaults(func=doctor_command)


def rotate_command(args) -> int:
    rotate = _say(gettext_noop("keys rotate"))
    try:
        recovery = _read_secret(args.recovery_key_file, stdin_used=[]).strip()
    except ValueError as e:
        _err(f"{rotate}: {e}")
        return 2
    from kintrace.cli import setup_django

    setup_django()
    from kintrace.security import crypto
    from kintrace.security.keys import org_keys_exist, org_private_key_from_recovery

    from .rotation import RotationError, org_key_rotate

    if not org_keys_exist():
        _err(f"{rotate}: " + _say(gettext_noop(
            "the organisation keys have not been created yet (`kintrace createstaff` creates them)"
        )))  # fmt: skip
        return 2
    try:
        private = org_private_key_from_recovery(recovery)
        result = org_key_rotate(actor=None, org_private=private)
    except crypto.CryptoError:
        _err(f"{rotate}: " + _say(gettext_noop("that is not the organisation's recovery key")))
        return 2
    except RotationError as e:
        _err(f"{rotate}: {_message(e)}")
        return 1
    print(_say(gettext_noop("organisation key rotated: sealed keys and notes re-sealed: %(n)d"),
               n=result.resealed))  # fmt: skip
    print(_say(gettext_noop(
        "Every staff session must log in again. The old recovery key opens nothing now."
    )))  # fmt: skip
    print("=" * 72)
    print(_say(gettext_noop(
        "NEW recovery key (print it, keep it offline; it is shown only now):"
    )))  # fmt: skip
    print(f"recovery key: {result.recovery_key}")
    print("=" * 72)
    return 0


def doctor_command(args) -> int:
    from django.core.exceptions import ImproperlyConfigured

    from kintrace.cli import setup_django

    try:
        setup_django()
    except ImproperlyConfigured as e:
        # The settings refuse this deployment (production without KINTRACE_SECRET_KEY…):
        # that is doctor's first finding, not a traceback. Django's own text, in English.
        print(f"fail: {e}")
        return 1
    from .doctor import doctor_findings

    findings = doctor_findings()
    for f in findings:
        print(f"{f.level:>4}: {f.text}")
    return 1 if any(f.level == "fail" for f in findings) else 0

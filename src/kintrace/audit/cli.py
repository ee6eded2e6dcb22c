import sys


def register(sub) -> None:
    p = sub.add_parser("audit", help="check the tamper-evident audit log")
    asub = p.add_subparsers(dest="audit_command", metavar="ACTION")
    asub.required = True
    v = asub.add_parser("verify", help="recompute the hash chain and report the first break")
    v.set_defaults(func=_verify)


def _verify(args) -> int:
    from kintrace.cli import setup_django

    setup_django()
    from .selectors import audit_verify

    report = audit_verify()
    if report.ok:
        print(f"audit log intact: {report.entries} entries")
        return 0
    print(f"audit log BROKEN after {report.entries} good entries: {report.problem}", file=sys.stderr)
    return 1

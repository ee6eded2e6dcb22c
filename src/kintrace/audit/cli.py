"""`kintrace audit verify [--expect HEAD]` and `kintrace audit head`.

Exit status: 0 the chain holds; 1 it does not (one line on stderr naming the first break);
2 a bad --expect value. `audit head` prints one line, SEQ:HMAC, to keep somewhere the server
cannot rewrite (docs/security.md, "Hardening: audit log").
"""

import sys


def register(sub) -> None:
    p = sub.add_parser("audit", help="check the tamper-evident audit log")
    asub = p.add_subparsers(dest="audit_command", metavar="ACTION")
    asub.required = True
    v = asub.add_parser("verify", help="recompute the keyed hash chain and report the first break")
    v.add_argument(
        "--expect",
        metavar="HEAD",
        help="a head printed earlier by `kintrace audit head` (SEQ:HMAC): the log must contain "
        "it, so removing the newest entries is detected",
    )
    v.set_defaults(func=_verify)
    h = asub.add_parser("head", help="print the current head of the chain (SEQ:HMAC, one line)")
    h.set_defaults(func=_head)


def _verify(args) -> int:
    from kintrace.audit.chain import BadHead, head_parse

    expect = None
    if args.expect is not None:
        try:
            expect = head_parse(args.expect)
        except BadHead as e:
            print(f"kintrace audit verify: --expect: {e}", file=sys.stderr)
            return 2
    from kintrace.cli import setup_django

    setup_django()
    from kintrace.security.crypto import CryptoError

    from .selectors import audit_verify

    try:
        report = audit_verify(expect=expect)
    except CryptoError as e:
        print(f"kintrace audit verify: the audit key cannot be read: {e}", file=sys.stderr)
        return 1
    if report.ok:
        anchored = f", contains the expected head #{expect.seq}" if expect is not None else ""
        print(f"audit log intact: {report.entries} entries{anchored}; head {report.head}")
        return 0
    print(
        f"audit log BROKEN after {report.entries} good entries: {report.problem}", file=sys.stderr
    )
    return 1


def _head(args) -> int:
    from kintrace.cli import setup_django

    setup_django()
    from kintrace.security.crypto import CryptoError

    from .selectors import audit_head

    try:
        head = audit_head()
    except (ValueError, CryptoError) as e:
        print(f"kintrace audit head: {e}; run `kintrace audit verify`", file=sys.stderr)
        return 1
    print(head)
    return 0

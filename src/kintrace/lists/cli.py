"""`kintrace lists import FILE --kind KIND --source TEXT`, `kintrace lists match LIST_ID`,
`kintrace registry dedupe`.

Command-line actions are done by the system actor: an inactive staff account named "system"
(created on first use, no usable password, so it can never log in). Audit entries, events
and case notes then name "system" as their author.

Exit status: 0 done; 1 the list has bad rows (each printed as "line N: reason" on stderr,
nothing imported); 2 the input was refused (unreadable, too large, already imported, bad
arguments).
"""

import sys
import time

KINDS = ("hospital", "casualty", "burial", "pardon", "court", "other")
MESSAGE_CHARS = 500


def register(sub) -> None:
    lists = sub.add_parser("lists", help="import lists and match them against the registry")
    lsub = lists.add_subparsers(dest="lists_command", metavar="ACTION")
    lsub.required = True

    p = lsub.add_parser("import", help="import a CSV/XLSX list (all rows or none)")
    p.add_argument("file")
    p.add_argument("--kind", required=True, choices=KINDS)
    p.add_argument(
        "--source",
        required=True,
        metavar="TEXT",
        help="where the list came from (the source's title)",
    )
    p.add_argument("--title", default="", help="the list's title (default: the file name)")
    p.add_argument("--publisher", default="")
    p.add_argument("--url", default="")
    p.add_argument("--reliability", default="F", choices=list("ABCDEF"))
    p.add_argument("--credibility", default=6, type=int, choices=range(1, 7))
    p.add_argument(
        "--header-row",
        type=_line_number,
        default=None,
        metavar="N",
        help="the header's line number (1 = the first line; 0 = the list has no "
        "header); by default the header is found",
    )
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=import_command)

    m = lsub.add_parser("match", help="match a list's entries against the registry")
    m.add_argument("list_id", type=int)
    m.add_argument("--threshold", type=float, default=0.5)
    m.add_argument("--quiet", action="store_true")
    m.set_defaults(func=match_command)

    j = lsub.add_parser(
        "jobs", help="imports and match runs not finished (stale ones are marked failed)"
    )
    j.set_defaults(func=jobs_command)
    r = lsub.add_parser("retry", help="run a failed import again")
    r.add_argument("list_id", type=int)
    r.add_argument("--quiet", action="store_true")
    r.set_defaults(func=retry_command)
    c = lsub.add_parser(
        "cancel", help="stop a list's import or match run; discard a list that was not imported"
    )
    c.add_argument("list_id", type=int)
    c.set_defaults(func=cancel_command)

    # `registry` may also be registered by the registry part; share the parser if so.
    registry = _existing_parser(sub, "registry") or sub.add_parser(
        "registry", help="registry maintenance"
    )
    rsub = _existing_subparsers(registry) or registry.add_subparsers(
        dest="registry_command", metavar="ACTION"
    )
    rsub.required = True
    d = rsub.add_parser("dedupe", help="propose pairs of registry persons that are one man")
    d.add_argument("--threshold", type=float, default=0.8)
    d.add_argument("--quiet", action="store_true")
    d.set_defaults(func=dedupe_command)


def _line_number(text: str) -> int:
    import argparse

    # isascii: "²" and "١" pass isdigit() and int() would then fail with an internal name
    if not (text.isascii() and text.isdigit()) or int(text) > 10_000_000:
        raise argparse.ArgumentTypeError(f"not a line number: {text!r}")
    return int(text)


def _existing_parser(sub, name):
    return sub.choices.get(name)


def _existing_subparsers(parser):
    import argparse

    for action in parser._actions:  # argparse keeps no public handle on them
        if isinstance(action, argparse._SubParsersAction):
            return action
    return None


def _setup():
    from kintrace.cli import setup_django

    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from kintrace.accounts.services import system_user

    return system_user()


def one_line(message: str, limit: int = MESSAGE_CHARS) -> str:
    """A message for stderr: one line, at most `limit` characters (a refusal may quote the
    file, and a file's header can be 400 MB)."""
    from kintrace.lists.limits import quote

    return quote(message, limit)


def _say(quiet: bool):
    if quiet:
        return None
    start = time.perf_counter()

    def say(message: str) -> None:
        print(f"[{time.perf_counter() - start:7.1f}s] {message}", file=sys.stderr, flush=True)

    return say


def _bar(quiet: bool):
    say = _say(quiet)
    if say is None:
        return None

    def progress(phase: str, done: int, total: int) -> None:
        pct = 100 * done // total if total else 100
        say(f"{phase}: {done}/{total} rows ({pct}%)")

    return progress


def import_command(args) -> int:
    from pathlib import Path

    actor = _setup()
    from kintrace.lists.models import JobStatus
    from kintrace.lists.services import ImportRefused, list_import_file

    path = Path(args.file)
    try:
        person_list = list_import_file(
            path=path,
            kind=args.kind,
            title=args.title or path.name,
            actor=actor,
            progress=_bar(args.quiet),
            source_title=args.source,
            publisher=args.publisher,
            url=args.url,
            reliability=args.reliability,
            credibility=args.credibility,
            header_row=args.header_row,
        )
    except ImportRefused as e:
        print(f"kintrace lists import: {path}: {one_line(str(e))}", file=sys.stderr)
        return 2
    if person_list.status != JobStatus.DONE:
        from django.utils.translation import gettext, ngettext

        for line, reason in person_list.row_errors:
            where = gettext("line %(n)s") % {"n": line}
            print(f"{path}: {where}: {one_line(str(reason))}", file=sys.stderr)
        n = len(person_list.row_errors)
        summary = ngettext(
            "%(n)s bad row; nothing imported", "%(n)s bad rows; nothing imported", n
        ) % {"n": n}
        print(f"kintrace lists import: {path}: {summary}", file=sys.stderr)
        return 1
    print(f"list: {person_list.pk}")
    print(f"entries: {person_list.entry_count}")
    return 0


def match_command(args) -> int:
    actor = _setup()
    from kintrace.lists.models import JobStatus, PersonList
    from kintrace.lists.services import match_run

    person_list = PersonList.objects.filter(pk=args.list_id).first()
    if person_list is None or person_list.status != JobStatus.DONE:
        print(f"kintrace lists match: no imported list {args.list_id}", file=sys.stderr)
        return 2
    from kintrace.lists.services import ImportRefused

    try:
        run = match_run(
            person_list=person_list,
            actor=actor,
            threshold=args.threshold,
            progress=_say(args.quiet),
        )
    except ImportRefused as e:
        print(f"kintrace lists match: {e}", file=sys.stderr)
        return 2
    if run.status != JobStatus.DONE:
        print(f"kintrace lists match: {run.error}", file=sys.stderr)
        return 2
    print(f"run: {run.pk}")
    print(f"entries: {run.records_left}")
    print(f"candidates: {run.candidate_count}")
    if run.expected_share is not None:
        # the prior the probabilities were read at, as the review page shows it
        print(
            f"expected in the registry: {run.expected_share:.1%} of the entries "
            f"(start {run.share_start:.0%}); namesakes: {run.namesake_share:.1%} of "
            f"full-name agreements"
        )
    return 0


def dedupe_command(args) -> int:
    actor = _setup()
    from kintrace.lists.services import ImportRefused, dedupe_run

    try:
        run = dedupe_run(actor=actor, threshold=args.threshold, progress=_say(args.quiet))
    except ImportRefused as e:  # another search is running
        print(f"kintrace registry dedupe: {e}", file=sys.stderr)
        return 2
    print(f"run: {run.pk}")
    print(f"persons: {run.records_left}")
    print(f"candidates: {run.candidate_count}")
    return 0


def jobs_command(args) -> int:
    """Every import and match run that is not done, one a line, after marking stale ones
    failed: "list 12 import failed: <why>", "list 12 match run 3 running (normalising)"."""
    _setup()
    from django.utils.translation import gettext

    from kintrace.lists.models import JobStatus, MatchRun, PersonList
    from kintrace.lists.services import jobs_reap_stale

    jobs_reap_stale()
    for pl in PersonList.objects.exclude(status=JobStatus.DONE).order_by("id"):
        why = (
            f": {gettext(pl.error)}"
            if pl.error
            else (f" ({pl.phase} {pl.progress_done}/{pl.progress_total})" if pl.phase else "")
        )
        print(f"list {pl.pk} import {pl.status}{why}")
    for run in MatchRun.objects.exclude(status=JobStatus.DONE).order_by("id"):
        what = f"list {run.person_list_id} match run" if run.person_list_id else "dedupe run"
        why = f": {gettext(run.error)}" if run.error else (f" ({run.phase})" if run.phase else "")
        print(f"{what} {run.pk} {run.status}{why}")
    return 0


def retry_command(args) -> int:
    actor = _setup()
    from kintrace.lists.models import JobStatus, PersonList
    from kintrace.lists.services import ImportRefused, list_import_retry

    person_list = PersonList.objects.filter(pk=args.list_id).first()
    if person_list is None:
        print(f"kintrace lists retry: no list {args.list_id}", file=sys.stderr)
        return 2
    try:
        person_list = list_import_retry(person_list=person_list, actor=actor, background_run=False)
    except ImportRefused as e:
        print(f"kintrace lists retry: {e}", file=sys.stderr)
        return 2
    if person_list.status != JobStatus.DONE:
        print(f"kintrace lists retry: list {person_list.pk} {person_list.status}", file=sys.stderr)
        return 1
    print(f"list: {person_list.pk}")
    print(f"entries: {person_list.entry_count}")
    return 0


def cancel_command(args) -> int:
    actor = _setup()
    from kintrace.lists.models import JobStatus, PersonList
    from kintrace.lists.services import (
        ImportRefused,
        list_import_cancel,
        match_run_cancel,
        match_running,
    )

    person_list = PersonList.objects.filter(pk=args.list_id).first()
    if person_list is None:
        print(f"kintrace lists cancel: no list {args.list_id}", file=sys.stderr)
        return 2
    try:
        if person_list.status == JobStatus.DONE:
            run = match_running(person_list)
            if run is None:
                print(
                    f"kintrace lists cancel: list {person_list.pk} is imported and no match "
                    "run is running",
                    file=sys.stderr,
                )
                return 2
            match_run_cancel(run=run, actor=actor)
            print(f"match run {run.pk}: stopping")
            return 0
        outcome = list_import_cancel(person_list=person_list, actor=actor)
    except ImportRefused as e:
        print(f"kintrace lists cancel: {e}", file=sys.stderr)
        return 2
    print(f"list {args.list_id}: {outcome}")
    return 0

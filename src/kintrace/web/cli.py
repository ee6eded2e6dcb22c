"""`kintrace serve` and `kintrace manage`."""

import sys


def register(sub) -> None:
    p = sub.add_parser("serve", help="migrate if needed and serve the web app")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--threads", type=int, default=8)
    p.set_defaults(func=serve)

    m = sub.add_parser("manage", help="run a Django management command", add_help=False)
    m.add_argument("rest", nargs="...")
    m.set_defaults(func=manage)


def serve(args) -> int:
    from kintrace.cli import setup_django

    setup_django()
    from django.core.management import call_command

    from kintrace.wsgi import application

    from .serving import create_server, largest_request_bytes, waitress_options

    call_command("migrate", interactive=False, verbosity=0)
    from kintrace.registry.services import regions_ensure_loaded

    regions_ensure_loaded()
    from kintrace.lists.services import jobs_housekeeping

    jobs_housekeeping()  # jobs the last server left running are failed; drafts abandoned go
    from kintrace.releases.services import releases_reap_stale

    releases_reap_stale()  # so are release builds it left
    limit_mib = largest_request_bytes() / 2**20
    print(
        f"kintrace: serving on http://{args.host}:{args.port}/ (requests up to "
        f"{limit_mib:.1f} MiB, held in memory)",
        file=sys.stderr,
        flush=True,
    )
    # waitress logs no access lines, so no client address is written anywhere.
    server = create_server(
        application, host=args.host, port=args.port, threads=args.threads, **waitress_options()
    )
    server.run()
    return 0


def manage(args) -> int:
    import os

    from django.core.management import execute_from_command_line

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kintrace.settings")
    execute_from_command_line(["kintrace manage", *args.rest])
    return 0

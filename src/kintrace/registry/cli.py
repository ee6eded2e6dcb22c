"""`kintrace demo` and `kintrace registry rekey`.

`kintrace registry dedupe` is added to the same `registry` parser by kintrace.lists.cli.
"""


def register(sub) -> None:
    p = sub.add_parser("demo", help="load the fictional demo data set (once)")
    p.add_argument("--persons", type=int, default=2000, help="how many invented persons")
    p.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same data)")
    p.set_defaults(func=demo)

    registry = sub.add_parser("registry", help="registry maintenance")
    rsub = registry.add_subparsers(dest="registry_command", metavar="ACTION")
    rsub.required = True
    r = rsub.add_parser(
        "rekey",
        help="recompute the name comparison keys of every stored "
        "name (after an update of kintrace.names)",
    )
    r.set_defaults(func=rekey)


def _django() -> None:
    from kintrace.cli import setup_django

    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def demo(args) -> int:
    import time

    _django()
    from kintrace.registry.demo import load_demo

    t0 = time.perf_counter()
    result = load_demo(seed=args.seed, persons=args.persons)
    took = time.perf_counter() - t0
    if not result.created:
        print(f"demo data already loaded ({result.persons} persons); nothing changed")
        return 0
    print(
        f"demo data loaded in {took:.1f} s: {result.persons} fictional persons, "
        f"{result.facilities} facilities, {result.events} events, {result.sources} sources"
    )
    return 0


def rekey(args) -> int:
    _django()
    from kintrace.registry.services import person_names_rekey

    changed = person_names_rekey(actor=None)
    print(f"search keys recomputed: {changed} names and persons changed")
    return 0

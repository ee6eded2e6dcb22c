"""`kintrace estimate --by colony|region` and `kintrace publish`."""

import sys


def register(sub) -> None:
    p = sub.add_parser("estimate", help="multiple systems estimate of the men no list recorded")
    p.add_argument("--by", choices=("colony", "region"), default="region")
    p.set_defaults(func=estimate)

    p = sub.add_parser("publish", help="build an anonymised release, approve one, write its files")
    p.add_argument("--approve", type=int, metavar="ID", help="approve the draft release ID")
    p.add_argument("--as", dest="as_user", metavar="USERNAME", help="the approving coordinator")
    p.add_argument("--write", type=int, metavar="ID", help="write the approved release ID")
    p.add_argument("--out", metavar="DIR", help="folder for --write (CSV, XLSX, JSON)")
    p.set_defaults(func=publish)


def _setup():
    from kintrace.lists.cli import _setup as lists_setup

    return lists_setup()


def estimate(args) -> int:
    _setup()
    from kintrace.estimate.mse import Estimate
    from kintrace.releases.selectors import estimates_by

    print("group\tmen known\tlists\testimate\t95% interval\tChao lower bound")
    disagree = []
    for row in estimates_by(args.by):
        r = row.result
        chao = f"{r.chao:.0f}" if r.chao is not None else "-"
        if isinstance(r, Estimate) and r.disagrees_with_chao:
            disagree.append(row.label)
        if isinstance(r, Estimate):
            print(
                f"{row.label}\t{row.observed}\t{len(row.lists)}\t{r.total:.0f}\t"
                f"{r.lower:.0f}-{r.upper:.0f}\t{chao}"
            )
        else:
            print(
                f"{row.label}\t{row.observed}\t{len(row.lists)}\t"
                f"refused: {row.reason_text}\t-\t{chao}"
            )
    if disagree:
        print(
            "kintrace: Chao's lower bound lies above the model's whole interval for "
            + ", ".join(disagree)
            + ": they rest on different assumptions, so neither number is firm there",
            file=sys.stderr,
        )
    return 0


def publish(args) -> int:
    actor = _setup()
    from pathlib import Path

    from django.core.exceptions import PermissionDenied, ValidationError

    from kintrace.accounts.models import User
    from kintrace.releases import files, selectors, services
    from kintrace.releases.models import Release, ReleaseStatus

    try:
        if args.approve is not None:
            user = User.objects.filter(username=args.as_user or "", is_active=True).first()
            if user is None:
                print("kintrace publish: --as names no active staff account", file=sys.stderr)
                return 2
            release = services.release_approve(
                release=selectors.release_get(args.approve), actor=user
            )
            print(f"release #{release.pk} approved, sha256 {release.content_hash}")
            return 0
        if args.write is not None:
            release = selectors.release_get(args.write)
            if release.status != ReleaseStatus.APPROVED or not args.out:
                print(
                    "kintrace publish: --write needs an approved release and --out", file=sys.stderr
                )
                return 2
            out = Path(args.out)
            out.mkdir(parents=True, exist_ok=True)
            stem = f"kintrace-release-{release.pk}"
            for name in files.TABLES:
                (out / f"{stem}-{name}.csv").write_text(
                    files.release_csv(release.content, name), encoding="utf-8"
                )
            (out / f"{stem}.xlsx").write_bytes(files.release_xlsx(release.content))
            (out / f"{stem}.json").write_bytes(files.release_json(release.content))
            print(f"release #{release.pk} written to {out}")
            return 0
        release = services.release_build(actor=actor)
    except Release.DoesNotExist:
        print("kintrace publish: no such release", file=sys.stderr)
        return 2
    except PermissionDenied:
        print("kintrace publish: only a coordinator or an administrator approves", file=sys.stderr)
        return 2
    except ValidationError as exc:
        print(f"kintrace publish: {' '.join(exc.messages)}", file=sys.stderr)
        return 2
    tables = release.content["tables"]
    print(
        f"draft release #{release.pk} built (k={release.k}): "
        f"{tables['region_month']['suppressed']} + {tables['colony']['suppressed']} counts hidden; "
        f"a coordinator approves it on /numbers/releases/ or with --approve {release.pk} --as NAME"
    )
    return 0

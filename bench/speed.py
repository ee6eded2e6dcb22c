"""Speed of the matching engine end to end, with the same input through plain Splink.

    python bench/speed.py [--records 1000000] [--link-left 100000] [--skip-raw] [--skip-link]
                          [--skip-dedupe] [--latin 0.4]

Generated inputs are written once to bench/out/ (gitignored) and reused. Runs
`kintrace dedupe` on the records and `kintrace link` of a second, smaller generated file
against them, each under /usr/bin/time for the peak memory; prints the breakdown
(read, parse/normalise, train, predict, cluster, write) from the command's own progress
lines, and the pairs each blocking rule produced; then plain Splink (raw lower-cased columns,
u by sampling, m by EM) on the same records for comparison.

`--latin SHARE` rewrites that share of the Cyrillic records (all but names declined inside a
sentence) into Latin letters first: scientific/ISO spellings with č š ž, English-language
media, chat typing, German/French/Polish press (bench/generate.py: latinise). Data from other
collectors looks like this: more distinct strings, other blocks.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from common import KINTRACE, raw_frame, raw_splink
from generate import COLUMNS, generate, latinise, write_csv

OUT = Path(__file__).parent / "out"


def generated(records: int, seed: int, latin: float = 0.0) -> Path:
    if latin:
        path = OUT / f"records_{records}_seed{seed}_latin{round(latin * 100)}.csv"
        if not path.exists():
            plain = pd.read_csv(generated(records, seed), dtype=str, keep_default_na=False)
            rows = latinise(plain.to_dict("records"), latin, seed)
            write_csv(path, rows, COLUMNS)
            print(
                f"rewrote {latin:.0%} of the Cyrillic records in Latin letters: {path}", flush=True
            )
        return path
    path = OUT / f"records_{records}_seed{seed}.csv"
    if not path.exists():
        OUT.mkdir(exist_ok=True)
        start = time.perf_counter()
        rows, truth = generate(records, seed)
        write_csv(path, rows, COLUMNS)
        write_csv(OUT / f"truth_{records}_seed{seed}.csv", truth, ["id", "person_id"])
        print(f"generated {path} in {time.perf_counter() - start:.0f}s", flush=True)
    return path


def timed(args: list[str]) -> dict:
    """Run kintrace under /usr/bin/time -v: wall seconds, peak RSS, the step timings."""
    start = time.perf_counter()
    proc = subprocess.run(
        ["/usr/bin/time", "-v", KINTRACE, *args], capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"kintrace {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    # CPU seconds of every process and thread: on a loaded machine, steadier than the wall
    cpu = sum(
        float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", proc.stderr)
    )
    blocking = [
        line.split("] ", 1)[-1] for line in proc.stderr.splitlines() if "blocking rule" in line
    ]
    last = [line for line in proc.stderr.splitlines() if "wrote" in line][-1]
    steps = dict((k, float(v)) for k, v in re.findall(r"(\w+) ([\d.]+)s", last.split("(", 1)[1]))
    return {
        "wall": wall,
        "rss_mb": int(rss.group(1)) / 1024 if rss else float("nan"),
        "steps": steps,
        "summary": last,
        "cpu": cpu,
        "blocking": blocking,
    }


def report(name: str, result: dict) -> None:
    steps = dict(result["steps"])
    steps.setdefault("train", 0.0)  # the packaged model: nothing is trained at run time
    order = ["read", "normalise", "train", "predict", "cluster", "write"]
    parts = ", ".join(f"{k} {steps[k]:.1f}s" for k in order if k in steps)
    print(
        f"{name}: wall {result['wall']:.1f}s, CPU {result['cpu']:.1f}s, "
        f"peak RSS {result['rss_mb']:.0f} MB ({parts}); load average after "
        f"{os.getloadavg()[0]:.1f}"
    )
    for line in result["blocking"]:
        print(f"  {line}")
    print(f"  {result['summary'].split('] ', 1)[-1]}", flush=True)


def raw_dedupe(path: Path) -> float:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["full_name"] = frame["name"].where(
        frame["name"] != "",
        frame["surname"] + " " + frame["given_name"] + " " + frame["patronymic"],
    )
    raw = raw_frame(frame, ["full_name"], ["birth_date", "facility"])
    raw["name_start"] = raw["full_name"].str[:3]
    _, took = raw_splink(
        [raw],
        {"full_name": "name", "birth_date": "other", "facility": "other"},
        ["full_name", "name_start+birth_date"],
        threshold=0.5,
    )
    return took


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--link-left", type=int, default=100_000)
    ap.add_argument("--skip-link", action="store_true")
    ap.add_argument("--skip-raw", action="store_true")
    ap.add_argument("--skip-dedupe", action="store_true")
    ap.add_argument(
        "--latin",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="rewrite this share of the Cyrillic records in Latin letters",
    )
    a = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}", flush=True)
    records = generated(a.records, a.seed, a.latin)
    out = OUT / f"speed_clusters{'_latin' if a.latin else ''}.csv"
    if not a.skip_dedupe:
        report(
            f"kintrace dedupe {a.records} records",
            timed(["dedupe", str(records), "--out", str(out)]),
        )
    if not a.skip_link:
        left = generated(a.link_left, a.seed + 1, a.latin)
        pairs = OUT / "speed_pairs.csv"
        report(
            f"kintrace link {a.link_left} x {a.records}",
            timed(["link", str(left), str(records), "--out", str(pairs)]),
        )
    if not a.skip_raw:
        print(
            f"plain Splink dedupe on the raw columns, same {a.records} records: "
            f"{raw_dedupe(records):.1f}s (u by sampling, m by EM, predict, cluster)",
            flush=True,
        )


if __name__ == "__main__":
    main()

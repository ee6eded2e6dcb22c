"""`kintrace dedupe` and `kintrace link`: the matching engine on CSV files.

The contract is fixed (other parts and outside checks depend on it): UTF-8 CSV with a
header, `id` plus `name` or `surname`/`given_name`/`patronymic`, optional `birth_date`,
`facility`, `region`. Bad input is one line on stderr naming the file and line, a non-zero
exit, and no output file: results go to a temporary file renamed into place at the end.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported inside the commands (start-up time)
    import pandas as pd

EXIT_BAD_INPUT = 2
MAX_HEADER_BYTES = 64 * 1024  # the contract has a handful of short column names


class InputError(Exception):
    """One line a person can act on: which file, which line, what is wrong."""


def _q(text: str, limit: int = 60) -> str:
    """`text` quoted for a message, on one line and at most `limit` characters: an id or a
    header cell can be megabytes long, and the message is printed on stderr."""
    text = " ".join(str(text)[: limit + 1].split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _threshold(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("threshold must be between 0 and 1")
    return value


def register(sub: Any) -> None:  # argparse's subparsers action (a private class)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--out", type=Path, required=True, help="output CSV")
    common.add_argument("--backend", choices=["duckdb", "spark"], default="duckdb")
    common.add_argument(
        "--model",
        type=Path,
        default=None,
        help="model parameters JSON (default: the packaged model)",
    )
    common.add_argument("--quiet", action="store_true", help="no progress on stderr")

    p = sub.add_parser(
        "dedupe", parents=[common], help="cluster the records of one CSV that are the same person"
    )
    p.add_argument("input", type=Path, metavar="INPUT.csv")
    p.add_argument("--threshold", type=_threshold, default=0.5)
    p.add_argument(
        "--review",
        type=Path,
        default=None,
        metavar="REVIEW.csv",
        help="also write the pairs a person must decide: left_id, right_id, "
        "match_probability, reason (conflict: the clustering refused to join "
        "two birth years, or two facilities without the same birth date; "
        "uncertain: a record too bare or ambiguous to place)",
    )
    p.set_defaults(func=_dedupe)

    p = sub.add_parser(
        "link",
        parents=[common],
        help="pairs of records, one from each CSV, that are the same person",
    )
    p.add_argument("left", type=Path, metavar="LEFT.csv")
    p.add_argument("right", type=Path, metavar="RIGHT.csv")
    p.add_argument("--threshold", type=_threshold, default=0.5)
    p.add_argument(
        "--one-to-one",
        choices=["auto", "on", "off"],
        default="auto",
        help="read the probabilities as if each file listed a person at most once "
        "(auto: when the strong pairs say so)",
    )
    p.set_defaults(func=_link)


def read_contract_csv(path: Path) -> pd.DataFrame:
    """The file as a frame of strings, or InputError naming the file and line."""
    import csv
    import io

    import pandas as pd

    try:
        if path.exists() and not path.is_dir() and not path.is_file():
            # a device or a pipe could be endless (/dev/zero)
            raise InputError(f"{path}: not a regular file")
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read file: {error.strerror or error}") from error

    def decode(data: bytes) -> str:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise InputError(
                f"{path}:{line}: not UTF-8 text (byte 0x{data[error.start]:02x})"
            ) from error

    if not raw.removeprefix(b"\xef\xbb\xbf").strip():
        raise InputError(f"{path}:1: empty file, expected a header row")
    # The header from the first line only: the body is decoded (a second copy of a large
    # file) only when the line-by-line reader is needed
    first_line = raw[: MAX_HEADER_BYTES + 1].split(b"\n", 1)[0]
    if len(first_line) > MAX_HEADER_BYTES:
        raise InputError(f"{path}:1: the header line is longer than {MAX_HEADER_BYTES} bytes")
    try:
        header = [h.strip() for h in next(csv.reader([decode(first_line)]))]
    except csv.Error as error:
        raise InputError(f"{path}:1: cannot read the header: {str(error)[:200]}") from error
    if "id" not in header:
        raise InputError(f"{path}:1: no 'id' column in the header")
    if "name" not in header and not {"surname", "given_name"} & set(header):
        raise InputError(f"{path}:1: needs a 'name' column or 'surname'/'given_name'/'patronymic'")
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise InputError(f"{path}:1: column {_q(dup)} appears twice in the header")
    fast = _read_fast(raw, header)
    if fast is not None:
        return fast
    # newline="" keeps a line break inside a quoted field (splitting on "\n" lost it)
    reader = csv.reader(io.StringIO(decode(raw), newline=""))
    next(reader)  # the header, read above
    width = len(header)
    rows: list[list[str]] = []
    seen: dict[str, int] = {}
    id_at = header.index("id")
    try:
        for row in reader:
            line = reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                if row and ("\n" in row[0] or "\r" in row[0]):
                    # '"\n"': a spreadsheet shows a row here; skipping it would lose one
                    raise InputError(
                        f"{path}:{line}: the row holds nothing but a line break inside quotes"
                    )
                continue  # a blank line
            if len(row) != width:
                raise InputError(f"{path}:{line}: {len(row)} fields, the header has {width}")
            rid = row[id_at]  # byte-exact: " =3" and "=3" are two ids, both kept as written
            if not rid.strip():
                raise InputError(f"{path}:{line}: empty id")
            if rid in seen:
                raise InputError(
                    f"{path}:{line}: duplicate id {_q(rid)} (first on line {seen[rid]})"
                )
            seen[rid] = line
            row[id_at] = rid
            rows.append(row)
    except csv.Error as error:
        raise InputError(f"{path}:{reader.line_num}: malformed CSV: {str(error)[:200]}") from error
    return pd.DataFrame(rows, columns=header, dtype=object)


def _read_fast(raw: bytes, header: list[str]) -> pd.DataFrame | None:
    """The same frame through Arrow's multi-threaded CSV reader (a million rows: ~0.5 s instead
    of ~5 s), or None when anything is amiss (ragged rows, a blank or repeated id, a quirk the
    two readers might see differently): the line-by-line reader then finds the line to name."""
    import pyarrow as pa
    from pyarrow import csv as pacsv

    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(raw),
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    frame = table.to_pandas()
    ids = frame["id"]
    if (ids.str.strip() == "").any() or ids.duplicated().any():
        return None
    return frame


def _write_atomically(out: Path, write: Callable[[IO[str]], None]) -> None:
    import os
    import tempfile

    out = out.resolve()
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            write(f)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _progress(args: argparse.Namespace) -> Callable[[str], None] | None:
    if args.quiet:
        return None
    import time

    start = time.perf_counter()

    def say(message: str) -> None:
        print(f"[{time.perf_counter() - start:7.1f}s] {message}", file=sys.stderr, flush=True)

    return say


def _check_out(out: Path) -> None:
    if not out.resolve().parent.is_dir():
        raise InputError(f"{out}: the output folder does not exist")


def _dedupe(args: argparse.Namespace) -> int:
    import time

    start = time.perf_counter()
    try:
        _check_out(args.out)
        if args.review is not None:
            _check_out(args.review)
        frame = read_contract_csv(args.input)
    except InputError as error:
        print(f"kintrace dedupe: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from kintrace.linkage.api import dedupe_frame

    say = _progress(args)
    read_s = time.perf_counter() - start
    result = dedupe_frame(
        frame,
        threshold=args.threshold,
        backend=args.backend,
        model_path=args.model,
        progress=say,
        explain=False,
        keep_pairs=False,
        workers=None,
    )
    t_write = time.perf_counter()

    def write(f: IO[str]) -> None:
        from kintrace.linkage.csvout import write_csv

        clusters = result.clusters
        write_csv(
            f,
            ["id", "cluster_id"],
            ((rid, clusters[rid]) for rid in frame["id"]),
            input_columns=(0, 1),
        )  # a cluster is named by one of its input ids

    _write_atomically(args.out, write)
    if args.review is not None:

        def write_review(f: IO[str]) -> None:
            from kintrace.linkage.csvout import write_csv

            rows = [
                (m.left_id, m.right_id, f"{m.probability:.6f}", reason)
                for reason, pairs in (("conflict", result.refused), ("uncertain", result.review))
                for m in pairs
            ]
            write_csv(
                f,
                ["left_id", "right_id", "match_probability", "reason"],
                rows,
                input_columns=(0, 1),
            )

        _write_atomically(args.review, write_review)
    if say:
        steps = {"read": read_s, **result.timings, "write": time.perf_counter() - t_write}
        timings = ", ".join(f"{k} {v:.1f}s" for k, v in steps.items())
        # Refused pairs are reported, never dropped in silence: a person decides them.
        say(
            f"wrote {len(frame)} rows, {len(set(result.clusters.values()))} clusters, "
            f"{len(result.review) + len(result.refused)} pairs for review "
            f"({len(result.refused)} refused by a conflict; --review writes them) ({timings})"
        )
    return 0


def _link(args: argparse.Namespace) -> int:
    import time

    start = time.perf_counter()
    try:
        _check_out(args.out)
        left = read_contract_csv(args.left)
        right = read_contract_csv(args.right)
    except InputError as error:
        print(f"kintrace link: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from kintrace.linkage.api import link_frames

    say = _progress(args)
    timings: dict[str, float] = {"read": time.perf_counter() - start}
    pairs = link_frames(
        left,
        right,
        threshold=args.threshold,
        backend=args.backend,
        model_path=args.model,
        progress=say,
        timings=timings,
        workers=None,
        one_to_one=args.one_to_one,
    )

    def write(f: IO[str]) -> None:
        from kintrace.linkage.csvout import write_csv

        def number(x: float) -> str:
            return "" if x != x else f"{x:.6f}"  # NaN as an empty cell, as pandas wrote it

        rows = zip(
            pairs["unique_id_l"],
            pairs["unique_id_r"],
            map(number, pairs["match_probability"]),
            map(number, pairs["match_weight"]),
            strict=True,
        )
        write_csv(
            f,
            ["left_id", "right_id", "match_probability", "match_weight"],
            rows,
            input_columns=(0, 1),
        )

    t_write = time.perf_counter()
    _write_atomically(args.out, write)
    timings["write"] = time.perf_counter() - t_write
    if say:
        say(f"wrote {len(pairs)} pairs ({', '.join(f'{k} {v:.1f}s' for k, v in timings.items())})")
    return 0

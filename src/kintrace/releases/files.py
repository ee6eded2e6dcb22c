"""A release's content as files: CSV (one per table), XLSX (a sheet per table and the data
dictionary) and JSON (everything). One row per count, with its date and place precision;
a count not shown is empty (CSV, XLSX) or null (JSON). Nothing but the release's content."""

import io
import json

from openpyxl import Workbook

from kintrace.linkage.csvout import write_csv

TABLES = ("region_month", "colony")
KEYS = {
    "region_month": ("region", "month"),
    "colony": ("colony", "region"),
}
TOTAL = "total"


def table_rows(content: dict, name: str) -> tuple[list[str], list[list]]:
    """(header, rows) of one table in long form; margins carry "total"."""
    table = content["tables"][name]
    keys = KEYS[name]
    header = [*keys, "outcome", "men", "date_precision", "place_precision"]
    rows: list[list] = []
    for row in table["rows"]:
        for outcome in (*table["columns"], TOTAL):
            count = row["total"] if outcome == TOTAL else row["counts"][outcome]
            rows.append(
                [
                    *(row[key] for key in keys),
                    outcome,
                    count,
                    row["date_precision"],
                    row["place_precision"],
                ]
            )
    for outcome in (*table["columns"], TOTAL):
        count = table["total"] if outcome == TOTAL else table["totals"][outcome]
        rows.append([*(TOTAL for _ in keys), outcome, count, "", ""])
    return header, rows


def release_csv(content: dict, name: str) -> str:
    header, rows = table_rows(content, name)
    out = io.StringIO()
    write_csv(
        out,
        header,
        [["" if v is None else v for v in row] for row in rows],
        input_columns=range(len(header)),
    )
    return out.getvalue()


MICRODATA = "microdata"
MICRO_COLUMNS = ("region", "colony", "birth", "when", "outcome")


def release_microdata_csv(content: dict) -> str:
    """The microdata rows as CSV (empty but for the header when it was refused)."""
    out = io.StringIO()
    rows = content.get("microdata", {}).get("rows", [])
    write_csv(
        out,
        list(MICRO_COLUMNS),
        [[row[c] for c in MICRO_COLUMNS] for row in rows],
        input_columns=range(len(MICRO_COLUMNS)),
    )
    return out.getvalue()


def release_json(content: dict) -> bytes:
    return json.dumps(content, ensure_ascii=False, indent=1, sort_keys=True).encode()


def release_xlsx(content: dict) -> bytes:
    wb = Workbook()
    first = True
    for name in TABLES:
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = name
        header, rows = table_rows(content, name)
        ws.append(header)
        for row in rows:
            ws.append(row)
    ws = wb.create_sheet("dictionary")
    ws.append(["field", "meaning"])
    ws.append(["as_of", content["as_of"]])
    ws.append(["k", content["k"]])
    for key, meaning in content["dictionary"].items():
        ws.append([key, meaning])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

"""The one CSV writer of kintrace: formula-like input text is escaped, numbers are not."""

import csv
import io

import pytest

from kintrace.linkage.csvout import escape_cell, write_csv


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+1+1", "-1+1", "@A1", "\t=1", "\r=1", '=HYPERLINK("http://x","y")', "-", "+", "="],
)
def test_formula_like_text_gets_a_leading_apostrophe(text):
    assert escape_cell(text) == "'" + text


@pytest.mark.parametrize(
    "text", ["-12", "+7", "-1.5", "-1.5e3", ".5", "-.5", "42", "Иванов", "", "a=b", "2023-05-01"]
)
def test_numbers_and_ordinary_text_are_left_alone(text):
    assert escape_cell(text) == text


def test_only_the_input_columns_are_escaped():
    f = io.StringIO()
    write_csv(f, ["id", "p"], [("=x", "-0.5"), ("a,b", "-1.0")], input_columns=[0])
    assert list(csv.reader(io.StringIO(f.getvalue()))) == [
        ["id", "p"],
        ["'=x", "-0.5"],
        ["a,b", "-1.0"],
    ]


def test_no_other_module_writes_csv_itself():
    """The rule as a check: every CSV kintrace writes goes through csvout.write_csv."""
    from pathlib import Path

    import kintrace

    src = Path(kintrace.__file__).parent
    writers = ("csv.writer(", "csv.DictWriter(", ".to_csv(")
    offenders = [
        str(p.relative_to(src))
        for p in src.rglob("*.py")
        if p.name != "csvout.py" and any(w in p.read_text(encoding="utf-8") for w in writers)
    ]
    assert offenders == []

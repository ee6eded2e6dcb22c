"""Every KINTRACE_ variable is read through kintrace.config and listed in docs/configuration.md
(issue 13, item 6): a variable the code reads but the table lacks, a table row nothing reads,
or a read that bypasses the typed readers fails here."""

import ast
import re
from pathlib import Path

import pytest

from kintrace import config

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "kintrace"
READERS = {name for name in config.__all__ if name.startswith("env")}
SCRIPTS = [ROOT / "run.sh", ROOT / "test.sh", *sorted((ROOT / "scripts").glob("*.sh"))]


def _table(heading: str) -> set[str]:
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", section, flags=re.M))


def _python_files() -> list[Path]:
    return [p for p in SRC.rglob("*.py") if "migrations" not in p.parts]


def _reads() -> tuple[set[str], list[str]]:
    """Names read through the readers, and the places that read a KINTRACE_ variable otherwise."""
    read, bypass = set(), []
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and node.args:
                first = node.args[0]
                name = first.value if isinstance(first, ast.Constant) else None
                func = node.func
                fname = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if not isinstance(name, str):
                    # getattr(settings, "KINTRACE_X", default) hides a setting settings.py lacks
                    if (
                        fname == "getattr"
                        and len(node.args) >= 2
                        and isinstance(node.args[1], ast.Constant)
                        and str(node.args[1].value).startswith("KINTRACE_")
                    ):
                        bypass.append(f"{path.relative_to(ROOT)}:{node.lineno} getattr")
                    continue
                if fname in READERS and (name.startswith("KINTRACE_") or name == "DATABASE_URL"):
                    read.add(name)
                elif name.startswith("KINTRACE_") and fname in ("getenv", "get", "setdefault"):
                    bypass.append(f"{path.relative_to(ROOT)}:{node.lineno} {fname}")
            if (
                isinstance(node, ast.Subscript)
                and isinstance(node.slice, ast.Constant)
                and str(node.slice.value).startswith("KINTRACE_")
                and "environ" in ast.unparse(node.value)
            ):
                bypass.append(f"{path.relative_to(ROOT)}:{node.lineno} os.environ[...]")
    return read, bypass


def test_every_variable_the_code_reads_is_in_the_table_and_every_row_is_read():
    read, _ = _reads()
    table = _table("Read by kintrace")
    assert len(read) > 25  # the scan sees the readers' calls at all
    assert read - table == set(), "add these to docs/configuration.md"
    assert table - read == set(), "docs/configuration.md lists variables nothing reads"


def test_no_code_reads_a_kintrace_variable_around_the_typed_readers():
    _, bypass = _reads()
    assert bypass == [], "read KINTRACE_ variables through kintrace.config: " + ", ".join(bypass)


def test_every_variable_the_scripts_read_is_in_the_table():
    used = set()
    for script in SCRIPTS:
        text = script.read_text(encoding="utf-8")
        used |= set(re.findall(r"\$\{(KINTRACE_[A-Z0-9_]+):-", text))
    assert used, "the scan found the scripts' ${KINTRACE_X:-default} reads"
    assert used - _table("Read by the scripts") - _table("Read by kintrace") == set()


@pytest.mark.parametrize(
    "reader,args,value,expected",
    [
        (config.envint, ("KINTRACE_T", "5"), None, 5),
        (config.envint, ("KINTRACE_T", "5"), "12", 12),
        (config.envbool, ("KINTRACE_T", "False"), "True", True),
        (config.envchoice, ("KINTRACE_T", "a", ("a", "b")), "b", "b"),
        (config.envaddress, ("KINTRACE_T",), "::1", "::1"),
        (
            config.envorigins,
            ("KINTRACE_T",),
            "https://a.example, http://b.example:8080",
            ["https://a.example", "http://b.example:8080"],
        ),
    ],
)
def test_a_reader_returns_the_typed_value_or_its_default(
    monkeypatch, reader, args, value, expected
):
    if value is None:
        monkeypatch.delenv("KINTRACE_T", raising=False)
    else:
        monkeypatch.setenv("KINTRACE_T", value)
    assert reader(*args) == expected


@pytest.mark.parametrize(
    "reader,args,value",
    [
        (config.envint, ("KINTRACE_T", "5"), "five"),
        (config.envint, ("KINTRACE_T", "5", 30), "10"),
        (config.envbool, ("KINTRACE_T", "False"), "yes"),
        (config.envchoice, ("KINTRACE_T", "a", ("a", "b")), "c"),
        (config.envaddress, ("KINTRACE_T",), "localhost"),
        (config.envorigins, ("KINTRACE_T",), "https://a.example/path"),
    ],
)
def test_a_value_that_does_not_parse_is_refused_naming_the_variable(
    monkeypatch, reader, args, value
):
    monkeypatch.setenv("KINTRACE_T", value)
    with pytest.raises(config.ConfigError, match=f"KINTRACE_T={re.escape(value)}"):
        reader(*args)

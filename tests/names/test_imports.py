"""The modules of kintrace.names import one another in layers: no cycle, not even through an
import inside a function (those hide a cycle until the day someone moves them to the top)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import kintrace.names

PACKAGE = Path(kintrace.names.__file__).parent


def _module_name(path: Path) -> str:
    parts = ["kintrace", "names", *path.relative_to(PACKAGE).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports_of(path: Path, modules: set[str]) -> set[str]:
    """kintrace.names modules the file imports anywhere in it (top level or in a function)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # "from kintrace.names.parse import x" may name a submodule x or a name in parse.
            targets = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(t for t in targets if t in modules)
    return found


def _graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(files)
    # A package's __init__ is run before any of its modules: that is no dependency of theirs.
    return {
        name: {t for t in _imports_of(path, modules) if t != name and not name.startswith(t + ".")}
        for name, path in files.items()
    }


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_module_of_kintrace_names_imports_one_that_imports_it_back():
    graph = _graph()
    assert "kintrace.names.translit" in graph and len(graph) > 15  # the walk saw the package
    assert _find_cycle(graph) is None, " → ".join(_find_cycle(graph) or [])


def test_the_cycle_finder_finds_a_cycle_hidden_in_a_function():
    # The check above would pass on an empty graph: show it sees what it is meant to.
    graph = _graph()
    graph["kintrace.names.spelling"] = graph["kintrace.names.spelling"] | {"kintrace.names.given"}
    assert _find_cycle(graph) is not None


def test_the_given_name_table_does_not_import_transliteration():
    graph = _graph()
    assert "kintrace.names.translit" not in graph["kintrace.names.given"]
    assert "kintrace.names.given" in graph["kintrace.names.translit"]  # one direction only


def _loaded_after(module: str) -> set[str]:
    code = (
        f"import sys, {module}; "
        "print('\\n'.join(m for m in sys.modules if m.startswith('kintrace.names')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    return set(out.split())


def test_importing_the_given_name_table_loads_no_transliteration_or_parser():
    loaded = _loaded_after("kintrace.names.given")
    assert "kintrace.names.given" in loaded
    assert "kintrace.names.translit" not in loaded
    assert not any(m.startswith("kintrace.names.parse") for m in loaded)


def test_importing_the_letter_rules_loads_no_name_table():
    loaded = _loaded_after("kintrace.names.spelling")
    assert loaded == {"kintrace.names", "kintrace.names.spelling", "kintrace.names.text"}


def test_the_package_still_offers_its_public_names():
    from kintrace.names import ParsedName, canonical_given, name_key, parse_name, parse_name_parts

    assert parse_name("Иванов Иван").surname == "Иванов"
    assert canonical_given("Саша")[0] == "Александр"
    assert ParsedName and name_key and parse_name_parts

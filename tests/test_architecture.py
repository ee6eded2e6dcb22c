"""The layering rules of docs/architecture.md, checked on the source (issue 13, item 2).

- the pure packages (`names`, `linkage`, `extract`, `estimate`, and `config`) never import Django;
- views and the API only parse, authorise and respond: no ORM call (`Model.objects…`,
  `.save()`, `.delete()` on a model) in a views module or the api package;
- selectors read: they import no services;
- services and selectors never take the HTTP request (they take what the view parsed from it);
- a function-local `kintrace` import outside the command-line modules must say which import
  cycle it breaks, on the line itself (`# cycle: …`).
"""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "kintrace"
PURE = ("names", "linkage", "extract", "estimate")


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)


def _rel(path: Path) -> str:
    return str(path.relative_to(SRC.parent))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        return [node.module]
    return []


def _is_pure(path: Path) -> bool:
    parts = path.relative_to(SRC).parts
    return parts[0] in PURE or parts == ("config.py",)


def _is_view(path: Path) -> bool:
    parts = path.relative_to(SRC).parts
    return parts[0] == "api" or path.stem.startswith("views") or "views" in parts[:-1]


def _layer(path: Path, layer: str) -> bool:
    return path.stem == layer or layer in path.relative_to(SRC).parts[:-1]


def test_the_rules_see_the_code_they_check():
    modules = _modules()
    assert sum(_is_pure(p) for p in modules) > 20
    assert sum(_is_view(p) for p in modules) > 5
    assert sum(_layer(p, "services") for p in modules) > 5
    assert sum(_layer(p, "selectors") for p in modules) > 2


def test_the_pure_packages_never_import_django():
    found = [
        f"{_rel(p)}:{node.lineno} {name}"
        for p in _modules()
        if _is_pure(p)
        for node in ast.walk(_tree(p))
        for name in _imported(node)
        if name == "django" or name.startswith(("django.", "ninja", "kintrace.settings"))
    ]
    assert found == []


def _orm_calls(tree: ast.Module) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            lines.append(node.lineno)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("save", "delete", "refresh_from_db")
            and not (
                isinstance(node.func.value, ast.Attribute)
                and node.func.value.attr in ("session", "form")
            )
            and not (
                isinstance(node.func.value, ast.Name)
                and node.func.value.id in ("form", "formset", "session")
            )
        ):
            lines.append(node.lineno)
    return lines


def test_views_and_the_api_make_no_orm_call():
    found = [
        f"{_rel(p)}:{line}" for p in _modules() if _is_view(p) for line in _orm_calls(_tree(p))
    ]
    assert found == [], "read through a selector, write through a service"


def test_selectors_import_no_services():
    found = []
    for p in _modules():
        if not _layer(p, "selectors"):
            continue
        for node in ast.walk(_tree(p)):
            names = _imported(node)
            if isinstance(node, ast.ImportFrom) and node.level > 0:
                names = [node.module or ""] + [a.name for a in node.names]
            found += [
                f"{_rel(p)}:{node.lineno} {n}"
                for n in names
                if n == "services" or n.startswith("services.") or ".services" in n
            ]
    assert found == []


def test_selectors_write_nothing():
    """A selector that writes (or audits, or locks rows for a write) is a service: name it so
    and put it with the services (`case_notes_read` audits a read of reporter data)."""
    writes = {"create", "update", "delete", "bulk_create", "bulk_update", "get_or_create"}
    writes |= {"update_or_create", "save", "audit_record", "audit_decrypt", "select_for_update"}
    found = []
    for p in _modules():
        if not _layer(p, "selectors"):
            continue
        for node in ast.walk(_tree(p)):
            if isinstance(node, ast.Call):
                f = node.func
                name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
                if name in writes:
                    found.append(f"{_rel(p)}:{node.lineno} {name}")
    assert found == []


def test_no_service_or_selector_takes_the_request():
    found = []
    for p in _modules():
        if not (_layer(p, "services") or _layer(p, "selectors")):
            continue
        for node in ast.walk(_tree(p)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                args = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
                for a in args:
                    annotation = ast.unparse(a.annotation) if a.annotation else ""
                    if a.arg == "request" or "HttpRequest" in annotation:
                        found.append(f"{_rel(p)}:{node.lineno} {node.name}({a.arg})")
    assert found == [], "pass what the view parsed from the request, not the request"


def _local_imports(path: Path) -> list[tuple[int, str]]:
    source = path.read_text(encoding="utf-8").splitlines()
    found = []
    for fn in ast.walk(_tree(path)):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(fn):
            names = _imported(node)
            if isinstance(node, ast.ImportFrom) and node.level > 0:
                names = ["kintrace." + (node.module or "")]
            for name in names:
                if name.startswith("kintrace") and "# cycle:" not in source[node.lineno - 1]:
                    found.append((node.lineno, name))
    return found


# Every package (and the top-level modules, as ""): a package added later is checked too.
PACKAGES = sorted(
    {p.relative_to(SRC).parts[0] if len(p.relative_to(SRC).parts) > 1 else "" for p in _modules()}
)


@pytest.mark.parametrize("package", PACKAGES)
def test_function_local_kintrace_imports_state_the_cycle_they_break(package):
    found = [
        f"{_rel(p)}:{line} {name}"
        for p in _modules()
        if (p.relative_to(SRC).parts[0] if len(p.relative_to(SRC).parts) > 1 else "") == package
        and p.name != "cli.py"
        for line, name in _local_imports(p)
    ]
    assert found == [], "import at the top, or say '# cycle: …' on the line"


# --- writes go through the services of the app that owns the rows --------------------------

WRITES = {"create", "update", "delete", "bulk_create", "bulk_update", "get_or_create"}
WRITES |= {"update_or_create", "save", "set", "add", "remove", "clear"}


def _registry_model_names(tree: ast.Module) -> set[str]:
    """Names a module binds to registry models: `from kintrace.registry.models import X` (or
    `... import models as m`, then `m.X`), and `X = apps.get_model("registry", ...)`."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "kintrace.registry.models":
            names |= {a.asname or a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module == "kintrace.registry":
            names |= {a.asname or a.name for a in node.names if a.name == "models"}
        elif (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and node.value.func.attr == "get_model"
            and node.value.args
            and isinstance(node.value.args[0], ast.Constant)
            and str(node.value.args[0].value).startswith("registry")
        ):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def _root(node: ast.AST) -> str:
    """The name a chain like `Person.objects.filter(...).update` starts from."""
    while True:
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return node.id if isinstance(node, ast.Name) else ""


def _registry_writes(tree: ast.Module) -> list[int]:
    models = _registry_model_names(tree)
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in WRITES and _root(func) in models:
            lines.append(node.lineno)
        elif (  # row_restore(Person, row): the generic undo writes rows too
            isinstance(func, ast.Name)
            and func.id == "row_restore"
            and node.args
            and _root(node.args[0]) in models
        ):
            lines.append(node.lineno)
    return lines


def test_the_write_check_sees_a_registry_write():
    tree = ast.parse(
        "from kintrace.registry.models import Person, PersonName\n"
        "from django.apps import apps\n"
        "Event = apps.get_model('registry', 'Event')\n"
        "Person.objects.filter(pk=1).update(merged_into=None)\n"
        "PersonName.objects.create(full_text='x')\n"
        "Event.objects.filter(pk=1).delete()\n"
        "row_restore(Person, {})\n"
        "Person.objects.filter(pk=1).exists()\n"
    )
    assert _registry_writes(tree) == [4, 5, 6, 7]


def test_only_the_registry_writes_registry_rows():
    """Outside `registry/`, registry models are read (selectors, locks, lookups), never written:
    merges, list imports and cases call `kintrace.registry.services`, which audit. (A write
    through an instance, `person.save()`, is beyond what a source scan can see; review it.)"""
    found = [
        f"{_rel(p)}:{line}"
        for p in _modules()
        if p.relative_to(SRC).parts[0] != "registry"
        for line in _registry_writes(_tree(p))
    ]
    assert found == [], "call a kintrace.registry.services function instead"


def _audit_calls(tree: ast.Module) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == "audit_record")
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "audit_record")
        )
    ]


def test_audit_actions_are_named_by_the_action_enum_not_by_strings():
    """`audit_record(action=Action.X)`: a misspelt member is an error mypy and import time
    catch, a misspelt string only the day it runs."""
    found = [
        f"{_rel(p)}:{call.lineno}"
        for p in _modules()
        for call in _audit_calls(_tree(p))
        for kw in call.keywords
        if kw.arg == "action" and isinstance(kw.value, ast.Constant | ast.JoinedStr)
    ]
    assert sum(len(_audit_calls(_tree(p))) for p in _modules()) > 50
    assert found == []


# --- the organisation key reaches services as bytes ----------------------------------------


def _writes_audited(path: Path) -> bool:
    return bool(_audit_calls(_tree(path)))


def test_no_audited_write_takes_the_request():
    """Every module that writes an audit entry is a service whatever its name (security/keys,
    intake/linking, ops/rotation…): none of its functions takes the HTTP request."""
    found = []
    for p in _modules():
        if not _writes_audited(p) or _is_view(p):
            continue
        for node in ast.walk(_tree(p)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                args = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
                for a in args:
                    annotation = ast.unparse(a.annotation) if a.annotation else ""
                    if a.arg == "request" or "HttpRequest" in annotation:
                        found.append(f"{_rel(p)}:{node.lineno} {node.name}({a.arg})")
    assert found == []


def test_only_views_open_the_session_unlock():
    """`kintrace.security.unlock` reads the organisation key from the session cookie; views
    call it and hand the key to services as bytes (`org_private: bytes`). A service or
    selector importing it would be reading the request behind the view's back."""
    found = []
    for p in _modules():
        # security/testing.py unlocks a test client's session, as a login would.
        if _is_view(p) or _rel(p) in (
            "kintrace/security/unlock.py",
            "kintrace/security/testing.py",
        ):
            continue
        for node in ast.walk(_tree(p)):
            names = _imported(node)
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names += [f"{node.module}.{a.name}" for a in node.names]
            if isinstance(node, ast.ImportFrom) and node.level > 0:
                names = [f"{node.module or ''}.{a.name}" for a in node.names]
            found += [
                f"{_rel(p)}:{node.lineno} {n}"
                for n in names
                if n == "kintrace.security.unlock" or n.endswith(".unlock")
            ]
    assert found == []

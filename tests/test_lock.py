"""requirements.lock pins what run.sh and test.sh install (issue 13, item 8): every dependency
pyproject.toml names is pinned there, and the environment the tests run in holds exactly the
pinned versions — so a dependency changed without renewing the lock (scripts/lock.sh) fails."""

import re
import sysconfig
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", line)
        if m:
            pins[_canonical(m.group(1))] = m.group(2)
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    reqs += [Requirement(r) for r in project["optional-dependencies"]["dev"]]
    return reqs


def test_every_declared_dependency_is_pinned_within_its_declared_range():
    pins = _pins()
    problems = []
    for req in _declared():
        pin = pins.get(_canonical(req.name))
        if pin is None:
            problems.append(f"{req.name}: not in requirements.lock")
        elif not req.specifier.contains(pin, prereleases=True):
            problems.append(f"{req.name}: pinned {pin}, pyproject asks {req.specifier}")
    assert not problems, "renew the lock with scripts/lock.sh: " + "; ".join(problems)


def test_the_test_environment_holds_exactly_the_pinned_versions():
    pins = _pins()
    assert len(pins) > 50  # the whole resolved tree, not only the direct dependencies
    wrong = []
    # Only what is installed in the environment's site-packages: setuptools puts its own
    # vendored copies (setuptools/_vendor, e.g. an older packaging) on sys.path once any test
    # imports it, and those are not installed packages.
    site_dirs = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
    for dist in metadata.distributions(path=site_dirs):
        name = _canonical(dist.metadata["Name"])
        if name in pins and dist.version != pins[name]:
            wrong.append(f"{name} {dist.version} (lock {pins[name]})")
    assert not wrong, "installed versions differ from requirements.lock: " + ", ".join(wrong)

"""Typed readers for kintrace's environment variables: the one place the code reads KINTRACE_*.

settings.py reads the web application's settings with these; the pure packages (`linkage`)
read their few knobs (threads, workers, Spark) with them too, so this module imports nothing
from Django. Every variable read here is listed in docs/configuration.md with its default and
meaning; tests/test_configuration.py fails when the code reads a name that table lacks, or reads
a KINTRACE_ variable any other way.

Each reader takes the default as the text an operator would write, and raises `ConfigError`
(a ValueError) naming the variable and what to write instead when the value does not parse.
"""

import ipaddress
import os
from pathlib import Path

__all__ = [
    "LANGUAGE_CODE",
    "LOCALE_DIR",
    "ConfigError",
    "data_dir",
    "envaddress",
    "envbool",
    "envchoice",
    "envint",
    "envorigins",
    "envstr",
    "private_work_dir",
]


class ConfigError(ValueError):
    """A KINTRACE_ variable holds something that cannot be used; the message names it."""


def envstr(name: str, default: str = "") -> str:
    """The variable's text, or `default` when it is unset (an empty value counts as set)."""
    return os.getenv(name, default=default)


# The language and catalogues of the deployment: settings.py reads them, and so does the one
# command that translates without loading the settings (`kintrace restore`, ops/cli.py).
LANGUAGE_CODE = "ru"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def data_dir() -> Path:
    """KINTRACE_DATA_DIR as an absolute path (default: `data` in the working directory).

    settings.py makes it private (0700) when the web application or the CLI loads."""
    return Path(envstr("KINTRACE_DATA_DIR", "data")).resolve()


def private_work_dir(name: str) -> Path:
    """`<data dir>/work/<name>`, created 0700 (and tightened if it was open): where the
    engines write what they spill to disk — DuckDB's temporary files, Spark's checkpoints.
    Names pass through them in clear, so they belong beside the database, on the disk the
    deployment protects, not in /tmp or the working directory (DuckDB's own default for an
    in-memory database is `.tmp` in the working directory). Raises OSError when it cannot be
    created."""
    d = data_dir() / "work" / name
    d.mkdir(mode=0o700, parents=True, exist_ok=True)
    for p in (d.parent, d):
        if p.stat().st_mode & 0o077:
            p.chmod(0o700)
    return d


def envbool(name: str, default: str) -> bool:
    """ "True" or "False" (or empty, meaning False); anything else is refused."""
    v = os.getenv(name, default=default)
    if v not in ("", "True", "False"):
        raise ConfigError(f"Unexpected value {name}={v}, use 'True' or 'False'")
    return v == "True"


def envint(name: str, default: str, minimum: int | None = None) -> int:
    """A whole number in decimal, at least `minimum` when one is given."""
    v = os.getenv(name, default=default)
    try:
        n = int(v)
    except ValueError:
        raise ConfigError(f"Unexpected value {name}={v}, use a whole number") from None
    if minimum is not None and n < minimum:
        raise ConfigError(f"Unexpected value {name}={v}, use a whole number of at least {minimum}")
    return n


def envchoice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of `choices`, spelled exactly."""
    v = os.getenv(name, default=default)
    if v not in choices:
        raise ConfigError(f"Unexpected value {name}={v}, use one of {', '.join(choices)}")
    return v


def envaddress(name: str) -> str:
    """One IP address, or "" when the variable is unset: a proxy is trusted by its address."""
    v = os.getenv(name, default="").strip()
    if not v:
        return ""
    try:
        return str(ipaddress.ip_address(v))
    except ValueError:
        raise ConfigError(
            f"Unexpected value {name}={v}, use the one IP address the reverse proxy connects "
            "from, e.g. 127.0.0.1"
        ) from None


def envorigins(name: str) -> list[str]:
    """Comma-separated origins, each scheme://host[:port] and nothing more."""
    origins = [o.strip() for o in os.getenv(name, default="").split(",") if o.strip()]
    for origin in origins:
        scheme, sep, rest = origin.partition("://")
        if scheme not in ("http", "https") or not sep or not rest or "/" in rest:
            raise ConfigError(
                f"Unexpected value {name}={origin}, use origins like https://kintrace.example.org"
            )
    return origins

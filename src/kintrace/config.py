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

__all__ = ["ConfigError", "envaddress", "envbool", "envchoice", "envint", "envorigins", "envstr"]


class ConfigError(ValueError):
    """A KINTRACE_ variable holds something that cannot be used; the message names it."""


def envstr(name: str, default: str = "") -> str:
    """The variable's text, or `default` when it is unset (an empty value counts as set)."""
    return os.getenv(name, default=default)


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

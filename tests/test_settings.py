"""Settings come from the environment; a production start without its secrets refuses."""

import os
import subprocess
import sys

import pytest


def _start(tmp_path, **env) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith("KINTRACE_") and k != "DATABASE_URL"
    }
    clean.update({"KINTRACE_DATA_DIR": str(tmp_path / "data"), **env})
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']="
            "'kintrace.settings'; django.setup(); print('started')",
        ],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    result = _start(tmp_path, KINTRACE_MODE="production", KINTRACE_ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "KINTRACE_SECRET_KEY" in result.stderr and "started" not in result.stdout


def test_production_without_allowed_hosts_refuses_to_start(tmp_path):
    result = _start(tmp_path, KINTRACE_MODE="production", KINTRACE_SECRET_KEY="x" * 50)
    assert result.returncode != 0 and "KINTRACE_ALLOWED_HOSTS" in result.stderr


def test_production_refuses_debug(tmp_path):
    result = _start(
        tmp_path,
        KINTRACE_MODE="production",
        KINTRACE_SECRET_KEY="x" * 50,
        KINTRACE_ALLOWED_HOSTS="example.org",
        KINTRACE_DEBUG="True",
    )
    assert result.returncode != 0 and "KINTRACE_DEBUG" in result.stderr


def test_production_with_its_secrets_starts(tmp_path):
    result = _start(
        tmp_path,
        KINTRACE_MODE="production",
        KINTRACE_SECRET_KEY="x" * 50,
        KINTRACE_ALLOWED_HOSTS="example.org",
    )
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "data" / "secret_key").exists()


@pytest.mark.parametrize(
    "name,value",
    [
        ("KINTRACE_DEBUG", "yes"),
        ("KINTRACE_MODE", "prod"),
        ("KINTRACE_SESSION_SECONDS", "half an hour"),
    ],
)
def test_a_malformed_setting_is_refused_naming_it(tmp_path, name, value):
    result = _start(tmp_path, **{name: value})
    assert result.returncode != 0 and name in result.stderr


def test_embedded_mode_generates_a_private_secret_key_once(tmp_path):
    assert _start(tmp_path).returncode == 0
    key_file = tmp_path / "data" / "secret_key"
    first = key_file.read_text()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600" and len(first) >= 40
    assert _start(tmp_path).returncode == 0
    assert key_file.read_text() == first


def test_the_command_line_refuses_a_malformed_setting_in_one_line(tmp_path):
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith("KINTRACE_") and k != "DATABASE_URL"
    }
    clean.update(
        {"KINTRACE_DATA_DIR": str(tmp_path / "data"), "KINTRACE_LOGIN_FAILURE_LIMIT": "five"}
    )
    result = subprocess.run(
        [sys.executable, "-m", "kintrace.cli", "demo"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "kintrace: Unexpected value KINTRACE_LOGIN_FAILURE_LIMIT=five, use a whole number"
    ]

"""`kintrace createstaff`: the outside contract (a real process on a fresh data directory) and
its refusals."""

import os
import re
import subprocess
import sys

import pytest

from kintrace.accounts.models import User
from kintrace.cli import main
from kintrace.security import keys


def run_cli(data_dir, *args):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["KINTRACE_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "kintrace.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_createstaff_on_a_fresh_data_dir_prints_password_and_recovery_key_once(tmp_path):
    first = run_cli(tmp_path, "createstaff", "anna", "--role", "admin")
    assert first.returncode == 0, first.stderr
    assert re.search(r"^password: \S+$", first.stdout, re.M)
    recovery = re.search(r"^recovery key: (\S+)$", first.stdout, re.M).group(1)
    second = run_cli(tmp_path, "createstaff", "boris", "--role", "caseworker")
    assert second.returncode == 0, second.stderr
    assert "recovery key" not in second.stdout
    assert "key: pending" in second.stdout
    third = run_cli(
        tmp_path, "createstaff", "vera", "--role", "caseworker", "--recovery-key", recovery
    )
    assert "key: granted" in third.stdout, third.stderr


@pytest.mark.django_db(transaction=True)
def test_createstaff_prints_a_password_that_logs_in(capsys):
    assert main(["createstaff", "anna", "--role", "coordinator"]) == 0
    out = capsys.readouterr().out
    password = re.search(r"^password: (\S+)$", out, re.M).group(1)
    user = User.objects.get(username="anna")
    assert user.role == "coordinator" and user.check_password(password)
    assert user.must_change_password
    assert keys.org_keys_exist()


def test_createstaff_refuses_an_unknown_role(capsys):
    assert main(["createstaff", "anna", "--role", "boss"]) == 2
    assert "unknown role" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_createstaff_refuses_an_existing_username(capsys):
    assert main(["createstaff", "anna", "--role", "admin"]) == 0
    capsys.readouterr()
    assert main(["createstaff", "ANNA", "--role", "caseworker"]) == 2
    captured = capsys.readouterr()
    assert "already exists" in captured.err and "password:" not in captured.out
    assert User.objects.filter(username__iexact="anna").count() == 1


@pytest.mark.django_db(transaction=True)
def test_createstaff_analyst_gets_no_key(capsys):
    main(["createstaff", "anna", "--role", "admin"])
    assert main(["createstaff", "ivan", "--role", "analyst"]) == 0
    assert "key: none" in capsys.readouterr().out
    assert keys.key_status(User.objects.get(username="ivan")) == "none"


@pytest.mark.django_db(transaction=True)
def test_createstaff_if_missing_leaves_an_existing_account_alone(capsys):
    assert main(["createstaff", "anna", "--role", "admin"]) == 0
    first = capsys.readouterr().out
    before = User.objects.get(username="anna").password
    assert main(["createstaff", "anna", "--role", "admin", "--if-missing"]) == 0
    out = capsys.readouterr()
    assert "password:" not in out.out and "already exists" in out.err
    assert User.objects.get(username="anna").password == before
    assert "password:" in first

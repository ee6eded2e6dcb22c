"""Every way a backup, restore or verify fails is one line in the deployment's language
(Russian unless told otherwise), no traceback, a non-zero exit status.

tests/conftest.py runs code in English; the tests here ask for Russian with
translation.override("ru") as tests/ops/test_cli.py does, and one runs the command as the
operator does, in a process of its own, where nothing chose a language."""

import os
import re
import subprocess
import sys

import pytest
from django.utils import translation

from kintrace.cli import main
from kintrace.ops.backup import backup_write
from kintrace.ops.backupkey import backup_keypair, private_key_split, private_key_text


def _said(capsys) -> str:
    """The one line on stderr, without 'kintrace: '."""
    captured = capsys.readouterr()
    err = captured.err
    assert "Traceback" not in err and err.count("\n") == 1 and err.startswith("kintrace: "), err
    return err.removeprefix("kintrace: ").rstrip("\n")


def _reads(said: str, expected) -> bool:
    if isinstance(expected, re.Pattern):
        return expected.fullmatch(said) is not None
    return said.startswith(expected)


@pytest.fixture
def failures(estate, tmp_path):
    """(name, argv, exit status, Russian words, English words) for each kind of failure, over
    real files: a backup of the estate and what an operator could get wrong with it."""
    backup = backup_write(out=tmp_path / "b.ktbackup", public_key=estate.backup_public).path
    blob = backup.read_bytes()
    key = tmp_path / "backup.key"
    key.write_text(private_key_text(estate.backup_private))

    not_backup = tmp_path / "notes.ktbackup"
    not_backup.write_text("a shopping list, not a backup\n")
    cut = tmp_path / "cut.ktbackup"
    cut.write_bytes(blob[: len(blob) // 2])
    altered = tmp_path / "altered.ktbackup"
    flipped = bytearray(blob)
    flipped[-100] ^= 1
    altered.write_bytes(bytes(flipped))
    wrong_key = tmp_path / "wrong.key"
    wrong_key.write_text(private_key_text(backup_keypair()[1]))
    one_share = tmp_path / "one-share.txt"
    one_share.write_text(private_key_split(estate.backup_private, threshold=2, shares=3)[0] + "\n")
    bad_public = tmp_path / "public.txt"
    bad_public.write_text("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 someone@somewhere\n")
    full = tmp_path / "full"
    full.mkdir()
    (full / "x").write_text("x")
    new = str(tmp_path / "new")

    def restore(path, key_file=key, into=new):
        return ["restore", str(path), "--into", str(into), "--key-file", str(key_file)]

    return [
        ("not a backup", restore(not_backup), 1,
         "восстановление: это не файл резервной копии kintrace (или он более нового формата)",
         "restore: not a kintrace backup file (or a newer format)"),
        ("cut short", restore(cut), 1,
         "восстановление: файл резервной копии обрезан", "restore: the backup file is cut short"),
        ("one byte altered", restore(altered), 1,
         re.compile("восстановление: блок [0-9]+ файла резервной копии был изменён"),
         re.compile("restore: chunk [0-9]+ of the backup file was altered")),
        ("wrong private key", restore(backup, wrong_key), 1,
         "восстановление: ключ не открывает эту резервную копию (неверный ключ или заголовок "
         "был изменён)",
         "restore: the key does not open this backup (wrong key, or the header was altered)"),
        ("wrong private key, verify", ["backup", "--verify", str(backup), "--key-file",
                                       str(wrong_key)], 1,
         "проверка резервной копии: ключ не открывает эту резервную копию",
         "backup --verify: the key does not open this backup"),
        ("shares that do not recover the key", restore(backup, one_share), 1,
         "восстановление: доли не восстанавливают ключ (подробности от библиотеки SLIP-39, "
         "по-английски): ",
         "restore: the shares do not recover the key: "),
        ("a bad public key file", ["backup", "--out", str(tmp_path / "c.ktbackup"),
                                   "--public-key", str(bad_public)], 2,
         f"резервная копия: {bad_public}: это не открытый ключ резервных копий kintrace",
         f"backup: {bad_public}: not a kintrace backup public key"),
        ("a missing public key file", ["backup", "--out", str(not_backup), "--public-key",
                                     str(bad_public.with_name("pub.ok"))], 2,
         "резервная копия: нет открытого ключа в", "backup: no public key at"),
        ("restore into a non-empty directory", restore(backup, into=full), 1,
         f"восстановление: {full} не пуст: резервная копия восстанавливается только в пустое "
         "место",
         f"restore: {full} is not empty: a backup is restored into an empty place only"),
        ("a key file that cannot be read", restore(backup, tmp_path / "nowhere.key"), 2,
         f"восстановление: не удалось открыть {tmp_path / 'nowhere.key'}: ",
         f"restore: cannot use {tmp_path / 'nowhere.key'}: "),
    ]  # fmt: skip


def test_each_failure_is_one_line_in_russian_by_default_and_in_english_when_asked(
    failures, tmp_path, capsys
):
    for name, argv, status, russian, english in failures:
        with translation.override("ru"):
            assert main(argv) == status, name
        said = _said(capsys)
        assert _reads(said, russian), (name, said)
        with translation.override("en"):
            assert main(argv) == status, name
        said = _said(capsys)
        assert _reads(said, english), (name, said)
    assert not list((tmp_path / "new").glob("*")) and not (tmp_path / "c.ktbackup").exists()
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["x"]


def test_an_existing_backup_file_is_refused_in_the_operators_language(
    estate, tmp_path, settings, capsys
):
    from kintrace.ops.backupkey import public_key_text

    public = tmp_path / "public.txt"
    public.write_text(public_key_text(estate.backup_public))
    taken = tmp_path / "taken.ktbackup"
    taken.write_text("an older file")
    argv = ["backup", "--out", str(taken), "--public-key", str(public)]
    with translation.override("ru"):
        assert main(argv) == 1
    assert _said(capsys) == f"резервная копия: {taken} уже существует"
    with translation.override("en"):
        assert main(argv) == 1
    assert _said(capsys) == f"backup: {taken} exists already"
    assert taken.read_text() == "an older file"


def test_a_check_that_fails_in_the_restored_copy_is_said_in_the_restoring_commands_language(
    estate, tmp_path, capsys
):
    """The check runs in a child process configured for the restored copy; its failure comes
    back as a template and is translated by the command the operator ran."""
    backup = backup_write(out=tmp_path / "b.ktbackup", public_key=estate.backup_public).path
    key = tmp_path / "backup.key"
    key.write_text(private_key_text(estate.backup_private))
    receipt = tmp_path / "receipt.txt"
    receipt.write_text(_unknown_receipt())
    argv = ["backup", "--verify", str(backup), "--key-file", str(key),
            "--receipt-file", str(receipt)]  # fmt: skip
    with translation.override("en"):
        assert main(argv) == 1
    assert _said(capsys) == "backup --verify: check failed: receipt: the receipt opens no report"
    with translation.override("ru"):
        assert main(argv) == 1
    assert _said(capsys) == (
        "проверка резервной копии: проверка не пройдена: квитанция: квитанция не открывает ни "
        "одного обращения"
    )
    receipt.write_text("not-a-receipt-anyone-was-given")
    with translation.override("ru"):
        assert main(argv) == 1
    assert _said(capsys) == (
        "проверка резервной копии: проверка не пройдена: квитанция: это не квитанция (проверьте "
        "файл квитанции)"
    )


def test_restore_run_as_a_command_speaks_russian_without_being_asked(tmp_path):
    """No settings are loaded (they would make a data directory): the catalogue alone, in the
    deployment's language."""
    not_backup = tmp_path / "notes.ktbackup"
    not_backup.write_text("a shopping list, not a backup\n")
    key = tmp_path / "backup.key"
    key.write_text(private_key_text(backup_keypair()[1]))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LANG", "LC_"))}
    done = subprocess.run(
        [sys.executable, "-m", "kintrace.cli", "restore", str(not_backup), "--into",
         str(tmp_path / "new"), "--key-file", str(key)],
        capture_output=True, text=True, env=env, check=False, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == (
        "kintrace: восстановление: это не файл резервной копии kintrace (или он более нового "
        "формата)\n"
    )
    assert not list((tmp_path / "new").glob("*"))


def _unknown_receipt() -> str:
    """A well-formed receipt no report was given."""
    from kintrace.security.receipts import new_receipt

    return new_receipt()


def test_what_backup_verify_and_doctor_print_is_russian_too(estate, tmp_path, settings, capsys):
    key = tmp_path / "backup.key"
    key.write_text(private_key_text(estate.backup_private))
    from kintrace.ops.backupkey import public_key_text

    (settings.DATA_DIR / "backup_public_key").write_text(public_key_text(estate.backup_public))
    backups = tmp_path / "backups"
    backups.mkdir()
    with translation.override("ru"):
        assert main(["doctor"]) == 1
        out = capsys.readouterr().out
        assert "fail: ни одной резервной копии ещё не записано" in out
        assert main(["backup", "--out", str(backups)]) == 0
        out = capsys.readouterr().out
        assert out.startswith(f"резервная копия записана: {backups}/kintrace-")
        written = next(backups.glob("*.ktbackup"))
        assert main(["backup", "--verify", str(written), "--key-file", str(key)]) == 0
        out = capsys.readouterr().out
        assert f"резервная копия {written} восстанавливается и проходит проверки\n" in out
        assert "  ok: цепочка журнала аудита сходится, вершина " in out
        assert "  не проверено: квитанция (не указана)\n" in out
        main(["doctor"])
        out = capsys.readouterr().out
        assert "  ok: последняя резервная копия: 0 часов назад\n" in out

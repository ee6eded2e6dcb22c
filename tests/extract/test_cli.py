"""`kintrace extract`: the JSON contract, standard input, and bad input (exit 2, one line).

One test runs the command as a user does (a new process); the others call the same entry
point in this process, which saves loading the models again for each case."""

import io
import json
import subprocess
import sys

import pytest

from kintrace.cli import main
from kintrace.extract.cli import MAX_BYTES

KINTRACE = [sys.executable, "-m", "kintrace.cli", "extract"]
KEYS = ["persons", "dates", "facilities", "regions", "places", "money", "counts", "phones",
        "organisations", "events"]  # fmt: skip


def run(*args, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*KINTRACE, *args], input=stdin, capture_output=True, check=False)


def test_a_file_gives_one_json_object_with_the_contracts_keys(tmp_path):
    path = tmp_path / "msg.txt"
    text = ("Мой сын Иванов Алексей из ИК-17 в Мордовии позвонил 10 июля с номера "
            "+7 912 345-67-89, обещали 200 тысяч рублей.\n\n"
            "In March, 50 inmates left IK-2 in the Sverdlovsk region.")  # fmt: skip
    path.write_text(text, encoding="utf-8")
    done = run(str(path), "--date", "2023-09-01")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert list(data) == KEYS
    person = data["persons"][0]
    assert person == {"text": "Иванов Алексей", "start": 8, "end": 22, "surname": "Иванов",
                      "given": "Алексей", "patronymic": None}  # fmt: skip
    assert text[person["start"] : person["end"]] == person["text"]
    at = text.index("10 июля")
    assert data["dates"][0] == {"text": "10 июля", "start": at, "end": at + 7, "year": 2023,
                                "month": 7, "day": 10}  # fmt: skip
    assert data["facilities"][0]["region"] == "RU-MO"
    assert data["phones"][0]["e164"] == "+79123456789"
    at = text.index("200 тысяч")
    assert data["money"][0] == {"text": "200 тысяч рублей", "start": at, "end": at + 16,
                                "amount": 200000, "currency": "RUB"}  # fmt: skip
    assert {"value": 50, "what": "inmates"}.items() <= data["counts"][0].items()
    assert {e["type"] for e in data["events"]} >= {"contacted", "payment_promised"}


def in_process(monkeypatch, capsys, *args, stdin: bytes = b"") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    code = main(["extract", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_dash_reads_standard_input_and_all_adds_call_signs(monkeypatch, capsys):
    code, out, err = in_process(
        monkeypatch, capsys, "-", "--all", "--lang", "ru", stdin="позывной «Хмурый»".encode()
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["call_signs"][0]["value"] == "Хмурый"
    assert list(data)[-3:] == ["call_signs", "tokens", "handles"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00garbage", "not UTF-8 text (byte 0xff)"),
        ("Сын\n".encode("cp1251"), "not UTF-8 text"),
        (b"", "empty text"),
        (b" \n\t\n", "empty text"),
        (b"a" * (MAX_BYTES + 1), "longer than 1048576 bytes"),
    ],
)
def test_bad_input_is_one_line_and_exit_2_with_nothing_on_stdout(
    tmp_path, monkeypatch, capsys, content, message
):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    for args in ((str(path),), ("-",)):
        code, out, err = in_process(monkeypatch, capsys, *args, stdin=content)
        assert code == 2
        assert out == ""
        assert message in err
        assert err.count("\n") == 1 and "Traceback" not in err


def test_a_missing_file_and_a_bad_date_are_refused_with_exit_2(tmp_path, monkeypatch, capsys):
    code, out, err = in_process(monkeypatch, capsys, str(tmp_path / "none.txt"))
    assert (code, out) == (2, "")
    assert "not a readable file" in err
    with pytest.raises(SystemExit) as exit_:  # argparse refuses the date before any work
        in_process(monkeypatch, capsys, "-", "--date", "2024-13-01", stdin=b"text")
    assert exit_.value.code == 2
    assert "not a date YYYY-MM-DD" in capsys.readouterr().err

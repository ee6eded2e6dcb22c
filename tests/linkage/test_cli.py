"""The CSV contract of `kintrace dedupe` and `kintrace link`, run as a user runs them."""

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

KINTRACE = [sys.executable, "-m", "kintrace.cli"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*KINTRACE, *args], capture_output=True, text=True, check=False)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def assert_one_line_error(proc, path: Path, out: Path, line: int | None = None) -> None:
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert str(path) in lines[0]
    if line is not None:
        assert f"{path}:{line}:" in lines[0]
    assert not out.exists()
    assert not list(out.parent.glob(f".{out.name}.*"))


def test_dedupe_refuses_a_file_without_an_id_column(tmp_path):
    src = write(tmp_path / "in.csv", "name,birth_date\nИванов Иван,1980\n")
    out = tmp_path / "out.csv"
    assert_one_line_error(run("dedupe", str(src), "--out", str(out)), src, out, line=1)


def test_dedupe_names_the_line_of_a_duplicate_id(tmp_path):
    src = write(tmp_path / "in.csv", "id,name\n1,Иванов Иван\n2,Петров Пётр\n1,Сидоров\n")
    out = tmp_path / "out.csv"
    proc = run("dedupe", str(src), "--out", str(out))
    assert_one_line_error(proc, src, out, line=4)
    assert "duplicate id '1'" in proc.stderr


def test_dedupe_refuses_a_file_that_is_not_utf8(tmp_path):
    src = write(tmp_path / "in.csv", "id,name\n1,Иванов Иван\n2,Петров Пётр\n", encoding="cp1251")
    out = tmp_path / "out.csv"
    proc = run("dedupe", str(src), "--out", str(out))
    assert_one_line_error(proc, src, out, line=2)
    assert "UTF-8" in proc.stderr


def test_dedupe_refuses_a_file_it_cannot_read(tmp_path):
    src = tmp_path / "missing.csv"
    out = tmp_path / "out.csv"
    assert_one_line_error(run("dedupe", str(src), "--out", str(out)), src, out)


def test_dedupe_refuses_a_folder_given_as_input(tmp_path):
    out = tmp_path / "out.csv"
    assert_one_line_error(run("dedupe", str(tmp_path), "--out", str(out)), tmp_path, out)


def test_link_names_the_right_file_when_only_it_is_bad(tmp_path):
    left = write(tmp_path / "left.csv", "id,name\n1,Иванов Иван\n")
    right = write(tmp_path / "right.csv", "ident,name\n1,Иванов Иван\n")
    out = tmp_path / "out.csv"
    proc = run("link", str(left), str(right), "--out", str(out))
    assert_one_line_error(proc, right, out, line=1)


def test_link_refuses_a_row_with_the_wrong_number_of_fields(tmp_path):
    left = write(tmp_path / "left.csv", "id,name\n1,Иванов Иван\n2,a,b\n")
    right = write(tmp_path / "right.csv", "id,name\n1,Иванов Иван\n")
    out = tmp_path / "out.csv"
    assert_one_line_error(run("link", str(left), str(right), "--out", str(out)), left, out, line=3)


def test_a_failed_run_leaves_an_existing_output_untouched(tmp_path):
    src = write(tmp_path / "in.csv", "name\nИванов\n")
    out = write(tmp_path / "out.csv", "id,cluster_id\nold,old\n")
    proc = run("dedupe", str(src), "--out", str(out))
    assert proc.returncode != 0
    assert out.read_text() == "id,cluster_id\nold,old\n"


def read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_dedupe_writes_a_cluster_for_every_row_and_joins_one_man(tmp_path):
    src = write(
        tmp_path / "in.csv",
        (
            "id,name,surname,given_name,patronymic,birth_date,facility\n"
            "a,Иванов Александр Сергеевич,,,,14.03.1984,ИК-17 Мордовия\n"
            "b,ИВАНОВ А.С.,,,,1984,ФКУ ИК-17 УФСИН России по Республике Мордовия\n"
            "c,,Иванов,Александр,Сергеевич,1991-06-02,ИК-5 Свердловская область\n"
            "d,Петров Пётр Петрович,,,,01.01.1970,\n"
        ),
    )
    out = tmp_path / "out.csv"
    proc = run("dedupe", str(src), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    rows = read(out)
    assert list(rows[0]) == ["id", "cluster_id"]
    cluster = {r["id"]: r["cluster_id"] for r in rows}
    assert set(cluster) == {"a", "b", "c", "d"}
    assert cluster["a"] == cluster["b"]
    assert cluster["c"] != cluster["a"]
    assert cluster["d"] not in (cluster["a"], cluster["c"])


def test_link_writes_pairs_above_the_threshold_left_id_first(tmp_path):
    left = write(
        tmp_path / "left.csv",
        "id,name,birth_date\nL1,Иванов Александр Сергеевич,14.03.1984\n"
        "L2,Сидоров Олег Игоревич,1975\n",
    )
    right = write(
        tmp_path / "right.csv",
        "id,name,birth_date\nR1,Aleksandr Ivanov,March 14 1984\n"
        "R2,Кузнецов Дмитрий Павлович,1990\n",
    )
    out = tmp_path / "out.csv"
    proc = run("link", str(left), str(right), "--out", str(out), "--threshold", "0.5")
    assert proc.returncode == 0, proc.stderr
    rows = read(out)
    assert [(r["left_id"], r["right_id"]) for r in rows] == [("L1", "R1")]
    assert float(rows[0]["match_probability"]) >= 0.5


@pytest.mark.parametrize("threshold", ["1.5", "-0.1"])
def test_threshold_outside_zero_one_is_refused(tmp_path, threshold):
    src = write(tmp_path / "in.csv", "id,name\n1,Иванов\n")
    out = tmp_path / "out.csv"
    proc = run("dedupe", str(src), "--out", str(out), "--threshold", threshold)
    assert proc.returncode != 0
    assert not out.exists()


def test_the_fast_and_the_line_by_line_reader_give_the_same_frame(tmp_path, monkeypatch):
    from kintrace.linkage import cli

    path = write(
        tmp_path / "in.csv",
        '\ufeffid,name,birth_date\n 1 ,"Иванов, Пётр",1980\n\n'
        '2,"Line\nbreak",\n3,Петров,"1 марта 1990"\n',
    )
    # the Arrow reader itself takes this file (no fallback hides behind the comparison)
    fast = cli._read_fast(path.read_bytes(), ["id", "name", "birth_date"])
    assert fast is not None
    assert cli.read_contract_csv(path).equals(fast)
    monkeypatch.setattr(cli, "_read_fast", lambda raw, header: None)
    slow = cli.read_contract_csv(path)
    assert fast.equals(slow)
    assert fast["id"].tolist() == [" 1 ", "2", "3"]  # ids byte-exact, in both readers
    assert fast["name"].tolist() == ["Иванов, Пётр", "Line\nbreak", "Петров"]


def test_a_duplicate_id_far_down_a_large_file_is_named_by_its_line(tmp_path):
    rows = "".join(f"{i},Иванов Пётр,1980\n" for i in range(1, 5001))
    path = write(tmp_path / "in.csv", "id,name,birth_date\n" + rows + "17,Петров Иван,1990\n")
    out = tmp_path / "out.csv"
    proc = run("dedupe", str(path), "--out", str(out))
    assert_one_line_error(proc, path, out, line=5002)
    assert "duplicate id '17' (first on line 18)" in proc.stderr


def test_link_reads_a_man_listed_twice_on_the_right_pairwise_and_keeps_both_pairs(tmp_path):
    left = write(
        tmp_path / "left.csv",
        "id,name,birth_date\n"
        "L1,Иванов Александр Сергеевич,14.03.1984\nL2,Сидоров Олег Игоревич,02.05.1975\n",
    )
    right = write(
        tmp_path / "right.csv",
        "id,name,birth_date\n"
        "R1,Aleksandr Ivanov,March 14 1984\nR2,ИВАНОВ А.С.,14.03.1984\n"
        "R3,Сидоров Олег Игоревич,02.05.1975\nR4,Sidorov Oleg,1975-05-02\n",
    )
    out = tmp_path / "out.csv"
    proc = run("link", str(left), str(right), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "pairwise reading" in proc.stderr
    assert {(r["left_id"], r["right_id"]) for r in read(out)} == {
        ("L1", "R1"),
        ("L1", "R2"),
        ("L2", "R3"),
        ("L2", "R4"),
    }


def test_link_refuses_an_unknown_one_to_one_mode(tmp_path):
    left = write(tmp_path / "left.csv", "id,name\n1,Иванов\n")
    proc = run(
        "link", str(left), str(left), "--out", str(tmp_path / "o.csv"), "--one-to-one", "maybe"
    )
    assert proc.returncode != 0
    assert "--one-to-one" in proc.stderr


# (ids are stripped on reading, so a leading tab or CR is tried in test_csvout.py)
FORMULA_IDS = ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]


def test_dedupe_writes_formula_like_ids_as_text_but_leaves_numbers_alone(tmp_path):
    """Issue 9, finding 12: an input id that a spreadsheet would run is written with a
    leading apostrophe (OWASP CSV injection); a negative number stays a number."""
    ids = [*FORMULA_IDS, "-17", "+7", "42"]
    body = io.StringIO()
    csv.writer(body, lineterminator="\n").writerows(
        [("id", "name"), *((i, f"Иванов{n} Иван") for n, i in enumerate(ids))]
    )
    src = write(tmp_path / "in.csv", body.getvalue())
    out = tmp_path / "out.csv"
    proc = run("dedupe", str(src), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    written = [r["id"] for r in read(out)]
    assert written == [*("'" + i for i in FORMULA_IDS), "-17", "+7", "42"]
    for r in read(out):  # each man is his own cluster, named by his (escaped) id
        assert r["cluster_id"] == r["id"]


def test_link_writes_formula_like_ids_as_text_and_its_numbers_unchanged(tmp_path):
    left = write(
        tmp_path / "left.csv",
        'id,name,birth_date\n"=HYPERLINK(""http://x"")",Иванов Александр Сергеевич,14.03.1984\n',
    )
    right = write(
        tmp_path / "right.csv", "id,name,birth_date\n@R1,Иванов Александр Сергеевич,14.03.1984\n"
    )
    out = tmp_path / "out.csv"
    proc = run("link", str(left), str(right), "--out", str(out), "--threshold", "0.1")
    assert proc.returncode == 0, proc.stderr
    rows = read(out)
    assert [(r["left_id"], r["right_id"]) for r in rows] == [('\'=HYPERLINK("http://x")', "'@R1")]
    assert 0.5 < float(rows[0]["match_probability"]) <= 1
    assert len(rows[0]["match_probability"].split(".")[1]) == 6  # "%.6f", as before


def test_a_huge_id_or_header_is_not_repeated_in_the_error(tmp_path):
    """Issue 9, finding 12: an error quotes at most a short piece of the input."""
    big = "x" * 100_000  # under the csv module's field limit, over any sane message
    src = write(tmp_path / "in.csv", f"id,name\n{big},Иванов\n{big},Петров\n")
    out = tmp_path / "out.csv"
    proc = run("dedupe", str(src), "--out", str(out))
    assert_one_line_error(proc, src, out, line=3)
    assert len(proc.stderr) < 500
    wide = write(tmp_path / "wide.csv", "id,name," + ",".join(f"c{i}" for i in range(50_000)))
    proc = run("dedupe", str(wide), "--out", str(out))
    assert_one_line_error(proc, wide, out, line=1)
    assert "header line is longer than 65536 bytes" in proc.stderr


def test_dedupe_reports_the_pairs_its_clustering_refused_and_writes_them_for_review(tmp_path):
    # Namesakes of one year in two colonies: the clustering refuses to join them; the pair is
    # counted on stderr and written to --review, never dropped in silence.
    src = write(
        tmp_path / "in.csv",
        "id,name,birth_date,facility\n"
        "a,Кузнецов Дмитрий Олегович,1985,ИК-3 Мордовия\n"
        "b,Кузнецов Дмитрий Олегович,1985,ИК-5 Мордовия\n"
        "c,Петров Пётр Петрович,1970,\n",
    )
    out, review = tmp_path / "out.csv", tmp_path / "review.csv"
    proc = run("dedupe", str(src), "--out", str(out), "--review", str(review))
    assert proc.returncode == 0, proc.stderr
    clusters = dict(line.split(",") for line in out.read_text().split()[1:])
    assert clusters["a"] != clusters["b"]
    rows = review.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "left_id,right_id,match_probability,reason"
    assert {tuple(sorted(r.split(",")[:2])) + (r.split(",")[3],) for r in rows[1:]} == {
        ("a", "b", "conflict")
    }
    assert "1 pairs for review (1 refused by a conflict" in proc.stderr


def test_dedupe_refuses_an_endless_device_without_reading_it(tmp_path):
    out = tmp_path / "out.csv"
    proc = run("dedupe", "/dev/zero", "--out", str(out))
    assert proc.returncode == 2 and proc.stderr.strip() == (
        "kintrace dedupe: /dev/zero: not a regular file"
    )
    assert not out.exists()


def test_ids_come_back_byte_exact_with_spaces_kept_and_formulas_still_escaped(tmp_path):
    """An id is the caller's key: " =3" is not "=3" (and must not come back as "'=3"), nor is
    " 7" the same man as "7"."""
    ids = [" =3", "=3", " 7", "7 ", "7", "\t=1", " @x "]
    body = io.StringIO()
    csv.writer(body, lineterminator="\n").writerows(
        [("id", "name"), *((i, f"Иванов{n} Иван") for n, i in enumerate(ids))]
    )
    src = write(tmp_path / "in.csv", body.getvalue())
    out = tmp_path / "out.csv"
    proc = run("dedupe", str(src), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert [r["id"] for r in read(out)] == [" =3", "'=3", " 7", "7 ", "7", "'\t=1", " @x "]


def test_link_keeps_spaces_in_ids_on_both_sides(tmp_path):
    left = write(
        tmp_path / "left.csv", "id,name,birth_date\n L1 ,Иванов Александр Сергеевич,14.03.1984\n"
    )
    right = write(
        tmp_path / "right.csv", "id,name,birth_date\n =R1,Иванов Александр Сергеевич,14.03.1984\n"
    )
    out = tmp_path / "out.csv"
    proc = run("link", str(left), str(right), "--out", str(out), "--threshold", "0.1")
    assert proc.returncode == 0, proc.stderr
    assert [(r["left_id"], r["right_id"]) for r in read(out)] == [(" L1 ", " =R1")]


@pytest.mark.parametrize("row", ['"\n"', '"\r\n"', '"\n\n"', '" \n "'])
def test_a_row_that_is_only_a_quoted_line_break_is_refused_not_skipped(tmp_path, row):
    src = write(tmp_path / "in.csv", f"id,name\n1,Иванов Иван\n{row}\n2,Петров Пётр\n")
    out = tmp_path / "out.csv"
    proc = run("dedupe", str(src), "--out", str(out))
    assert_one_line_error(proc, src, out)
    assert "line break" in proc.stderr


def test_blank_lines_between_rows_are_still_skipped(tmp_path):
    src = write(tmp_path / "in.csv", "id,name\n1,Иванов Иван\n\n   \n2,Петров Пётр\n")
    out = tmp_path / "out.csv"
    proc = run("dedupe", str(src), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert [r["id"] for r in read(out)] == ["1", "2"]

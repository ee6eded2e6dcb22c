"""`kintrace lists import`, `kintrace lists match`, `kintrace registry dedupe`."""

import pytest

from kintrace.cli import main
from kintrace.lists.models import JobStatus, ListEntry, MatchCandidate, PersonList

from .conftest import HOSPITAL_CSV

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hospital_file(tmp_path):
    path = tmp_path / "hospital.csv"
    path.write_bytes(HOSPITAL_CSV.encode("cp1251"))
    return path


def test_import_prints_the_list_id_and_the_number_of_entries(hospital_file, capsys):
    rc = main(
        [
            "lists",
            "import",
            str(hospital_file),
            "--kind",
            "hospital",
            "--source",
            "Telegram-канал госпиталя",
        ]
    )
    out, err = capsys.readouterr()
    pl = PersonList.objects.get()
    assert rc == 0
    assert out.splitlines() == [f"list: {pl.pk}", "entries: 3"]
    assert "checking" in err  # progress on stderr
    assert pl.source.title == "Telegram-канал госпиталя"
    assert pl.created_by.username == "system"
    assert not pl.created_by.is_active


def test_bad_rows_are_printed_with_line_numbers_and_nothing_is_imported(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(HOSPITAL_CSV + "Кузнецов Олег;31.02.1985;;;;\n;1980;;;;\n", encoding="utf-8")
    rc = main(["lists", "import", str(path), "--kind", "hospital", "--source", "x", "--quiet"])
    out, err = capsys.readouterr()
    assert rc == 1
    assert out == ""
    assert f"{path}: line 5: " in err and "31.02.1985" in err
    assert f"{path}: line 6: " in err
    assert "2 bad rows; nothing imported" in err
    assert not ListEntry.objects.exists()


def test_importing_the_same_file_twice_is_refused(hospital_file, capsys):
    assert (
        main(
            [
                "lists",
                "import",
                str(hospital_file),
                "--kind",
                "hospital",
                "--source",
                "x",
                "--quiet",
            ]
        )
        == 0
    )
    rc = main(
        ["lists", "import", str(hospital_file), "--kind", "hospital", "--source", "x", "--quiet"]
    )
    _out, err = capsys.readouterr()
    assert rc == 2
    assert "already imported" in err  # the command line speaks English unless LANG says
    assert PersonList.objects.filter(status=JobStatus.DONE).count() == 1


def test_a_missing_file_and_an_unknown_kind_are_refused(tmp_path, capsys):
    assert (
        main(["lists", "import", str(tmp_path / "nope.csv"), "--kind", "hospital", "--source", "x"])
        == 2
    )
    with pytest.raises(SystemExit) as e:
        main(["lists", "import", str(tmp_path / "nope.csv"), "--kind", "zoo", "--source", "x"])
    assert e.value.code == 2


def test_match_and_dedupe_print_their_counts(hospital_file, capsys, caseworker):
    from kintrace.names.dates import parse_date
    from kintrace.registry.services import person_create

    person_create(
        name="Иванов Александр Сергеевич", birth=parse_date("14.03.1987"), actor=caseworker
    )
    person_create(name="ИВАНОВ А.С.", birth=parse_date("14.03.1987"), actor=caseworker)
    main(["lists", "import", str(hospital_file), "--kind", "hospital", "--source", "x", "--quiet"])
    pl = PersonList.objects.get()
    capsys.readouterr()
    assert main(["lists", "match", str(pl.pk), "--quiet"]) == 0
    out, _err = capsys.readouterr()
    assert "entries: 3" in out
    assert f"candidates: {MatchCandidate.objects.count()}" in out
    # the prior the probabilities were read at, a hospital list starting from 10 %
    assert "expected in the registry: " in out and "(start 10%)" in out
    assert MatchCandidate.objects.count() >= 2
    assert main(["registry", "dedupe", "--quiet", "--threshold", "0.5"]) == 0
    out, _err = capsys.readouterr()
    assert "persons: 2" in out and "candidates: 1" in out
    assert main(["lists", "match", "999999"]) == 2


def test_dedupe_is_refused_in_one_line_while_another_search_runs(capsys):
    from kintrace.lists import background
    from kintrace.lists.models import MatchRun

    run = MatchRun.objects.create(threshold=0.8, status=JobStatus.RUNNING, **background.identity())
    MatchRun.objects.filter(pk=run.pk).update(heartbeat_at=run.created_at)
    background.claim(MatchRun, run.pk)
    try:
        assert main(["registry", "dedupe", "--quiet"]) == 2
    finally:
        background.release(MatchRun, run.pk)
    _out, err = capsys.readouterr()
    assert err.count("\n") == 1 and "already running" in err
    assert MatchRun.objects.count() == 1


def test_a_refusal_quotes_a_long_header_only_in_part(tmp_path, capsys):
    """Issue 9, finding 12: stderr gets one line of at most 500 characters after the file
    name, however long the header the message mentions (here 200 titles of 500 characters,
    none of them a name)."""
    path = tmp_path / "wide.csv"
    header = ";".join(f"{i:03d}" + "Ж" * 497 for i in range(200))
    path.write_text(header + "\n" + ";".join("1" for _ in range(200)) + "\n", encoding="utf-8")
    rc = main(["lists", "import", str(path), "--kind", "hospital", "--source", "x", "--quiet"])
    _out, err = capsys.readouterr()
    assert rc == 2
    lines = err.splitlines()
    assert len(lines) == 1
    prefix = f"kintrace lists import: {path}: "
    assert lines[0].startswith(prefix)
    assert len(lines[0]) - len(prefix) <= 500
    assert lines[0].endswith("…")


def test_an_endless_device_is_refused_without_being_read(capsys):
    assert main(["lists", "import", "/dev/zero", "--kind", "hospital", "--source", "x"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not a file" in err
    assert not PersonList.objects.exists()


def test_a_file_over_the_size_limit_is_refused_after_reading_only_the_limit(
    tmp_path, capsys, settings
):
    import tracemalloc

    settings.KINTRACE_MAX_LIST_BYTES = 2 * 2**20
    big = tmp_path / "big.csv"
    with big.open("wb") as f:
        f.truncate(300 * 2**20)  # sparse: 300 MB on paper, nothing on disk
    tracemalloc.start()
    try:
        assert main(["lists", "import", str(big), "--kind", "hospital", "--source", "x"]) == 2
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "larger than 2.0 MB" in capsys.readouterr().err
    assert peak < 50 * 2**20  # the old code read all 300 MB first
    assert not PersonList.objects.exists()

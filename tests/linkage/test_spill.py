"""What the engines spill to disk holds names in clear: it goes into the private data
directory (KINTRACE_DATA_DIR/work, 0700), never /tmp or DuckDB's default `.tmp` in the
working directory."""

import stat

from kintrace.linkage.engine import _db_api


def test_duckdb_spills_into_the_private_data_directory_not_the_working_directory(
    tmp_path, monkeypatch
):
    data, cwd = tmp_path / "data", tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.setenv("KINTRACE_DATA_DIR", str(data))
    monkeypatch.chdir(cwd)
    api = _db_api("duckdb")
    con = api._con
    (spill,) = con.execute("SELECT current_setting('temp_directory')").fetchone()
    assert spill == str(data / "work" / "duckdb")
    for d in (data / "work", data / "work" / "duckdb"):
        assert stat.S_IMODE(d.stat().st_mode) == 0o700
    # a sort larger than the memory DuckDB may use is written to the spill directory
    con.execute("SET memory_limit = '64MB'; SET threads = 1; SET preserve_insertion_order = false")
    con.execute(
        "CREATE TABLE t AS SELECT (range * 7919 % 1000003)::VARCHAR || repeat('x', 40) AS name"
        " FROM range(1500000)"
    )
    con.execute("CREATE TABLE s AS SELECT name FROM t ORDER BY name")
    assert con.execute("SELECT count(*) FROM s").fetchone() == (1500000,)
    assert not any(cwd.iterdir()), "nothing may be written to the working directory"


def test_an_open_work_directory_is_tightened_to_the_owner(tmp_path, monkeypatch):
    data = tmp_path / "data"
    (data / "work").mkdir(parents=True, mode=0o755)
    (data / "work").chmod(0o755)
    monkeypatch.setenv("KINTRACE_DATA_DIR", str(data))
    _db_api("duckdb")
    assert stat.S_IMODE((data / "work").stat().st_mode) == 0o700

"""Jobs killed with SIGKILL at each phase: found stale, their rows gone, the same file imported
again and the list matched again, and no worker process left behind — on SQLite and on
PostgreSQL, with the real command line in a child process."""

import contextlib
import os
import signal
import sqlite3
import subprocess
import time

import psutil
import pytest

from tests.intake.served import KINTRACE, app_env, scratch_postgres

ROWS = 40_000


def big_list(path, rows=ROWS):
    lines = ["ФИО;Дата рождения;Учреждение;Регион"]
    for i in range(rows):
        lines.append(
            f"Иванов{i} Пётр{i % 97} Сергеевич;{1 + i % 28:02d}.{1 + i % 12:02d}."
            f"{1950 + i % 50};ИК-{1 + i % 30};Мордовия"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class Database:
    """The child's database, read directly (the child owns it; no Django here)."""

    def __init__(self, env, url=""):
        self.env, self.url = env, url

    def rows(self, sql):
        if self.url:
            import psycopg

            with psycopg.connect(self.url) as conn:
                try:
                    return conn.execute(sql).fetchall()
                except psycopg.errors.UndefinedTable:  # the child is still migrating
                    return []
        path = os.path.join(self.env["KINTRACE_DATA_DIR"], "kintrace.sqlite3")
        if not os.path.exists(path):
            return []
        conn = sqlite3.connect(path, timeout=30)
        try:
            return conn.execute(sql).fetchall()
        except sqlite3.OperationalError:  # no tables yet: the child is still migrating
            return []
        finally:
            conn.close()


@pytest.fixture(params=["sqlite", "postgres"])
def child_db(request, tmp_path):
    base = os.environ.get("DATABASE_URL", "")
    if request.param == "postgres":
        if not base.startswith("postgres"):
            pytest.skip("PostgreSQL: set DATABASE_URL")
        with scratch_postgres(base) as (url, _name):
            env = app_env(tmp_path / "data", url)
            yield Database(env, url)
        return
    if base:
        pytest.skip("SQLite run only")
    yield Database(app_env(tmp_path / "data"))


def kintrace(env, *args, check=True):
    return subprocess.run(
        [KINTRACE, *args], env=env, capture_output=True, text=True, timeout=600, check=check
    )


def kill_at(db, args, sql, wanted, *, with_children=False, limit=300):
    """Start `kintrace ARGS`, poll `sql` until it returns `wanted` (and the child has worker
    processes, if asked), then SIGKILL it; return the processes it had started."""
    proc = subprocess.Popen(
        [KINTRACE, *args], env=db.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    children = []
    deadline = time.monotonic() + limit
    try:
        while True:
            assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, f"never reached {wanted}"
            if db.rows(sql) == [wanted]:
                children = psutil.Process(proc.pid).children(recursive=True)
                if children or not with_children:
                    break
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
    return children


def assert_gone(processes, seconds=20):
    gone, alive = psutil.wait_procs(processes, timeout=seconds)
    assert not alive, f"orphaned worker processes: {alive}"


IMPORT = ["lists", "import", "--kind", "hospital", "--source", "госпиталь", "--quiet"]


def test_jobs_killed_at_every_phase_are_failed_and_the_same_work_then_succeeds(child_db, tmp_path):
    db = child_db
    path = big_list(tmp_path / "big.csv")
    args = [*IMPORT[:2], str(path), *IMPORT[2:]]
    for phase in ("reading", "checking", "storing"):
        children = kill_at(
            db,
            args,
            "SELECT status, phase FROM lists_personlist WHERE status = 'running'",
            ("running", phase),
        )
        assert_gone(children)
        out = kintrace(db.env, "lists", "jobs").stdout
        # the command line speaks the site's language, Russian
        assert "import failed: Задача остановилась, не завершившись" in out, out
        # the killed attempt's rows are deleted, nothing is visible
        assert db.rows("SELECT count(*) FROM lists_listentry") == [(0,)]
        assert db.rows("SELECT count(*) FROM lists_personlist WHERE status = 'done'") == [(0,)]

    done = kintrace(db.env, *args)  # the same file, again: not "already imported"
    assert done.returncode == 0, done.stderr
    list_id = int(done.stdout.split()[1])
    assert db.rows("SELECT count(*) FROM lists_listentry") == [(ROWS,)]

    workers = kill_at(
        db,
        ["lists", "match", str(list_id), "--quiet"],
        "SELECT status, phase FROM lists_matchrun WHERE status = 'running'",
        ("running", "normalising"),
        with_children=True,
    )
    assert workers, "the match run started no worker processes to check"
    assert_gone(workers)
    out = kintrace(db.env, "lists", "jobs").stdout
    assert f"list {list_id} match run" in out and "failed: Задача остановилась" in out, out

    again = kintrace(db.env, "lists", "match", str(list_id), "--quiet")
    assert again.returncode == 0, again.stderr
    assert "entries: 40000" in again.stdout
    assert db.rows("SELECT status FROM lists_matchrun ORDER BY id") == [("failed",), ("done",)]
    # every stale job is in the audit log, by no one
    assert db.rows(
        "SELECT count(*) FROM audit_auditentry WHERE action IN "
        "('list.import_stale', 'list.match_stale')"
    ) == [(4,)]


def test_sigterm_on_the_command_line_cleans_up_at_once(child_db, tmp_path):
    db = child_db
    path = big_list(tmp_path / "big.csv")
    proc = subprocess.Popen(
        [KINTRACE, *IMPORT[:2], str(path), *IMPORT[2:]],
        env=db.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    with contextlib.ExitStack():
        deadline = time.monotonic() + 300
        while db.rows("SELECT phase FROM lists_personlist WHERE status = 'running'") != [
            ("storing",)
        ]:
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        proc.terminate()
        proc.wait(120)
    assert proc.returncode != 0
    # no reaper needed: the process itself marked its job failed and deleted its rows
    assert db.rows("SELECT status FROM lists_personlist") == [("failed",)]
    assert db.rows("SELECT count(*) FROM lists_listentry") == [(0,)]

"""Run the real served app (`kintrace serve`) in a child process, for tests and benchmarks.

with served_app(data_dir) as app:      # SQLite under data_dir, or DATABASE_URL if given
    app.url, app.run("createstaff", ...)
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

KINTRACE = str(Path(sys.executable).with_name("kintrace"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class App:
    url: str
    env: dict
    process: subprocess.Popen

    def run(self, *args: str) -> str:
        """Another `kintrace` command against the same data directory / database."""
        return subprocess.run(
            [KINTRACE, *args], env=self.env, check=True, capture_output=True, text=True, timeout=300
        ).stdout


def create_first_admin(env: dict) -> None:
    """The first staff account creates the organisation keys, without which no report is
    stored."""
    subprocess.run(
        [KINTRACE, "createstaff", "first-admin", "--role", "admin"],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )


def app_env(data_dir: Path, database_url: str = "") -> dict:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env["KINTRACE_DATA_DIR"] = str(data_dir)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


@contextlib.contextmanager
def served_app(data_dir: Path, *, database_url: str = "", threads: int = 8, setup=None):
    """Serve on a free loopback port; `setup(env)` runs first (e.g. createstaff)."""
    env = app_env(data_dir, database_url)
    if setup is not None:
        setup(env)
    port = free_port()
    log = open(data_dir.parent / f"serve-{port}.log", "wb")
    process = subprocess.Popen(
        [KINTRACE, "serve", "--host", "127.0.0.1", "--port", str(port), "--threads", str(threads)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(url + "/report/", timeout=2).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("kintrace serve did not start") from None
                time.sleep(0.3)
        yield App(url=url, env=env, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@contextlib.contextmanager
def scratch_postgres(base_url: str):
    """A fresh, empty PostgreSQL database next to `base_url`'s, dropped afterwards."""
    import psycopg

    name = f"kt_scratch_{uuid.uuid4().hex[:10]}"
    admin = base_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base_url.rsplit("/", 1)[0] + "/" + name, name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

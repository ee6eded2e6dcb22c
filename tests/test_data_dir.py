"""The data directory is its owner's alone (issue 9, finding 7): created 0700 with every file
0600 by `kintrace serve` and `kintrace demo`, and an old, too-open one tightened at start."""

import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest


def _env(data_dir: Path) -> dict:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("KINTRACE_") and k != "DATABASE_URL"
    }
    env["KINTRACE_DATA_DIR"] = str(data_dir)
    return env


def _kintrace(data_dir: Path, *args, umask: int = 0o022):
    """The CLI as a shell would start it, with the usual umask 022 inherited."""
    return subprocess.run(
        [sys.executable, "-m", "kintrace.cli", *args],
        env=_env(data_dir),
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=lambda: os.umask(umask),
    )


def _modes(data_dir: Path) -> dict[str, int]:
    out = {".": stat.S_IMODE(data_dir.stat().st_mode)}
    for p in data_dir.rglob("*"):
        out[str(p.relative_to(data_dir))] = stat.S_IMODE(p.lstat().st_mode)
    return out


def _open_to_others(data_dir: Path) -> dict[str, str]:
    return {name: oct(mode) for name, mode in _modes(data_dir).items() if mode & 0o077}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve_once(data_dir: Path) -> None:
    """Start `kintrace serve`, wait until it answers, load a page, stop it."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kintrace.cli", "serve", "--port", str(port)],
        env=_env(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=lambda: os.umask(0o022),
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/report/", timeout=5) as r:
                    assert r.status == 200
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.3)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_serve_creates_a_private_data_directory_with_private_files(tmp_path):
    data_dir = tmp_path / "data"
    _serve_once(data_dir)
    modes = _modes(data_dir)
    assert modes["."] == 0o700
    assert modes["kintrace.sqlite3"] == 0o600
    assert {"secret_key", "audit_key"} <= set(modes)
    assert _open_to_others(data_dir) == {}


def test_demo_creates_a_private_data_directory_with_private_files(tmp_path):
    data_dir = tmp_path / "data"
    result = _kintrace(data_dir, "demo", "--persons", "20")
    assert result.returncode == 0, result.stderr
    assert _modes(data_dir)["."] == 0o700
    assert _open_to_others(data_dir) == {}


def test_an_old_data_directory_open_to_others_is_tightened_at_start(tmp_path):
    data_dir = tmp_path / "data"
    assert _kintrace(data_dir, "demo", "--persons", "20").returncode == 0
    stored = data_dir / "files" / "intake" / "old-upload"
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_bytes(b"x")
    # As the old default left it: directories 755, files 644.
    for p in [data_dir, *data_dir.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    assert _open_to_others(data_dir)
    result = _kintrace(data_dir, "audit", "verify")
    assert result.returncode == 0, result.stderr
    assert _open_to_others(data_dir) == {}


def _as_nobody():
    os.setgid(65534)
    os.setgroups([])
    os.setuid(65534)


@pytest.fixture
def shared_parent():
    """A parent directory every local account may enter, as /srv or /var/lib would be (pytest's
    own temporary directories are private, which would hide what is being tested)."""
    if os.geteuid() != 0 or not shutil.which("python3", path="/usr/bin:/bin"):
        pytest.skip("needs root (to act as another local account) and /usr/bin/python3")
    parent = Path(tempfile.mkdtemp(prefix="kintrace-shared-"))
    parent.chmod(0o755)
    yield parent
    shutil.rmtree(parent)


def test_another_local_account_can_read_nothing_in_the_data_directory(shared_parent):
    data_dir = shared_parent / "data"
    assert _kintrace(data_dir, "demo", "--persons", "20").returncode == 0
    # The shared parent is the control: the probe does report what it can read.
    names = [str(p) for p in [shared_parent, data_dir, *data_dir.rglob("*")]]
    # The system's Python: the project's may live where that account cannot go.
    probe = subprocess.run(
        [
            shutil.which("python3", path="/usr/bin:/bin"),
            "-c",
            "import os, sys\n"
            "for n in sys.argv[1:]:\n"
            "    try:\n"
            "        os.listdir(n) if os.path.isdir(n) else open(n, 'rb').read(1)\n"
            "        print('readable', n)\n"
            "    except PermissionError:\n"
            "        pass\n",
            *names,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_as_nobody,
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout == f"readable {shared_parent}\n"

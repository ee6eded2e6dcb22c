"""A reader that goes away (`kintrace extract FILE | head -c 100`) stops the command quietly:
no traceback on standard error."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_closed_pipe_ends_the_command_without_a_traceback(tmp_path):
    text = tmp_path / "article.txt"
    text.write_text("Иванов Иван Иванович погиб 14 марта 2024 года под Работино. " * 200)
    cmd = [sys.executable, "-m", "kintrace.cli", "extract", str(text)]
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={
            "PYTHONPATH": str(ROOT / "src"),
            "KINTRACE_DATA_DIR": str(tmp_path / "data"),
            "PATH": "/usr/bin:/bin",
        },  # fmt: skip
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(100)
    proc.stdout.close()  # the reader goes away, as `head` does
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipeError" not in err
    assert proc.returncode == 141

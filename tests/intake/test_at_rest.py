"""A copy of the database and the data directory, without a staff password or the receipt,
reveals nothing the reporter wrote about themselves, their story or their files.

This runs the real served app in a child process (file-backed SQLite in WAL mode, or a fresh
PostgreSQL database), submits through the web form with a photo and through the API, and
then reads every byte it wrote: the data directory (database, WAL, files, keys) and, on
PostgreSQL, the database's own files and the write-ahead log.
"""

import json
import os
import re
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

from .helpers import image_bytes
from .served import create_first_admin, scratch_postgres, served_app

pytestmark = pytest.mark.slow


def _post_form(url: str, fields: dict, files: dict, cookie_jar) -> str:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookie_jar))
    page = opener.open(url).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    boundary = uuid.uuid4().hex
    body = b""
    for name, value in {**fields, "csrfmiddlewaretoken": token}.items():
        body += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    for name, (filename, data) in files.items():
        body += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'
        ).encode()
        body += data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    request = urllib.request.Request(
        url,
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": url},
    )
    with opener.open(request) as response:
        return response.read().decode()


def _files_under(root: Path):
    for path in root.rglob("*"):
        if path.is_file():
            yield path


def _leaks(paths, secrets: dict[str, bytes]) -> list[str]:
    found = []
    for path in paths:
        data = path.read_bytes()
        for label, needle in secrets.items():
            if needle in data:
                found.append(f"{label} in {path}")
    return found


def test_nothing_the_reporter_wrote_is_readable_in_the_database_or_data_directory(tmp_path):
    import http.cookiejar

    token = uuid.uuid4().hex[:12]
    phone = f"+7 9{int(token[:8], 16) % 10**9:09d}"
    story = f"Уникальная история {token} про вербовщика"
    reporter = f"Мария-{token}"
    api_contact = f"telegram-{token}"
    api_text = f"api-message-{token}"
    marker = f"PHOTO-CONTENT-{token}".encode()
    photo = image_bytes(gps=True, text_marker=marker)
    # Stored in clear on purpose (triage and matching use it): finding it proves the search
    # really reads the stored bytes.
    subject = f"Иванов Александр {token}"
    secrets = {
        "phone": phone.encode(),
        "story": story.encode(),
        "reporter": reporter.encode(),
        "api contact": api_contact.encode(),
        "api message": api_text.encode(),
        "photo": marker,
        "photo exif": b"SpyCam",
    }

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    base_url = os.environ.get("DATABASE_URL", "")

    def run(database_url: str) -> None:
        with served_app(data_dir, database_url=database_url, setup=create_first_admin) as app:
            html = _post_form(
                app.url + "/report/",
                {
                    "subject_name": subject,
                    "message": story,
                    "reporter_name": reporter,
                    "reporter_contact": phone,
                    "details_last_contact_how": f"звонок с {phone}",
                },
                {"attachments": ("photo.jpg", photo)},
                http.cookiejar.CookieJar(),
            )
            receipt = re.search(r'id="receipt">([^<]+)<', html).group(1).strip()
            request = urllib.request.Request(
                app.url + "/api/v1/reports",
                method="POST",
                data=json.dumps(
                    {
                        "subject": {"name": "Петров"},
                        "message": api_text,
                        "reporter": {"contact": api_contact},
                    }
                ).encode(),
                headers={"Content-Type": "application/json"},
            )
            api_receipt = json.loads(urllib.request.urlopen(request).read())["receipt"]
            # The receipts still open their reports, so what we search for was stored.
            for r in (receipt, api_receipt):
                inbox = urllib.request.Request(
                    app.url + "/api/v1/reports/inbox", headers={"X-Receipt": quote(r)}
                )
                assert urllib.request.urlopen(inbox).status == 200
            if database_url:
                _postgres_flush(database_url)
                paths = list(_files_under(data_dir)) + _postgres_files(database_url)
            else:
                paths = list(_files_under(data_dir))
            assert any(p.name.endswith("-wal") for p in paths) or database_url
            assert _leaks(paths, {"subject": subject.encode()}), "the search read nothing"
            leaks = _leaks(paths, secrets)
            assert not leaks, leaks
            for r in (receipt, api_receipt):
                assert not _leaks(
                    paths,
                    {
                        "receipt": r.encode(),
                        "receipt words": r.replace(" ", "").encode(),
                        "first words": " ".join(r.split()[:3]).encode(),
                    },
                )

    if base_url:
        with scratch_postgres(base_url) as (url, _name):
            run(url)
    else:
        run("")


def _postgres_flush(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CHECKPOINT")


def _postgres_files(url: str) -> list[Path]:
    """The database's own files and the cluster's write-ahead log (needs read access)."""
    import psycopg

    with psycopg.connect(url) as conn:
        data_dir = Path(conn.execute("SHOW data_directory").fetchone()[0])
        oid = conn.execute(
            "SELECT oid FROM pg_database WHERE datname = current_database()"
        ).fetchone()[0]
    if not os.access(data_dir, os.R_OK):
        pytest.skip("the PostgreSQL data directory is not readable here")
    return list(_files_under(data_dir / "base" / str(oid))) + list(
        _files_under(data_dir / "pg_wal")
    )

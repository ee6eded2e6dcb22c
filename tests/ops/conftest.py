"""Shared by the operations tests: a database with a real encrypted report (with a photo),
organisation keys whose recovery key the test knows, and a backup key pair."""

import os
import secrets
from dataclasses import dataclass

import psycopg
import pytest

# A photo whose pixels carry a marker: a byte search for the photo finds pieces of it.
PHONE = "+7 916 555-01-23"
STORY = "Сын звонил из колонии ИК-7 в последний раз 3 марта, маркер-17a9"
REPORTER = "Мария Петровна Сидорова"
SUBJECT = "Кравцов Дмитрий Олегович"


@dataclass
class Estate:
    report_id: int
    receipt: str
    recovery_key: str
    org_private: bytes
    backup_public: bytes
    backup_private: bytes
    photo: bytes


def photo_bytes() -> bytes:
    import io

    from PIL import Image

    img = Image.frombytes("RGB", (96, 96), secrets.token_bytes(96 * 96 * 3))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def estate(transactional_db) -> Estate:
    """Organisation keys, one staff key holder, one report with reporter data and a photo."""
    from kintrace.intake.services import report_submit
    from kintrace.intake.uploads import check_upload
    from kintrace.intake.validation import clean_report
    from kintrace.ops.backupkey import backup_keypair
    from kintrace.security import keys

    private, recovery = keys.org_keys_create(actor=None)
    photo = photo_bytes()
    clean = clean_report(
        {
            "subject": {"name": SUBJECT},
            "reporter": {"name": REPORTER, "relationship": "мать", "contact": PHONE},
            "message": STORY,
        }
    )
    report, receipt = report_submit(clean=clean, files=[check_upload("photo.png", photo)])
    public, backup_private = backup_keypair()
    return Estate(report.pk, receipt, recovery, private, public, backup_private, photo)


@pytest.fixture
def scratch_pg():
    """scratch_pg() -> URL of a new empty PostgreSQL database on the local server; dropped
    after the test."""
    server = os.environ.get("DATABASE_URL", "") or "postgres://postgres@127.0.0.1:5432/postgres"
    base = server.rsplit("/", 1)[0]
    made = []

    def make() -> str:
        name = f"kt_ops_scratch_{secrets.token_hex(4)}"
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return f"{base}/{name}"

    yield make
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        for name in made:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

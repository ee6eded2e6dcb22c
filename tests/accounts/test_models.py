"""TOTP seeds at rest (issue 9, finding 7): a dump of the database does not give the second
factor away, and the encrypted device still logs in."""

import base64
import binascii
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice as ClearTOTPDevice

from kintrace.accounts.models import TOTP_KEY_FILE, TOTPDevice
from kintrace.accounts.services import staff_create

from .test_views import NEW_PASSWORD, code_for, first_login

pytestmark = pytest.mark.django_db


def _seed_forms(seed: bytes) -> list[bytes]:
    """Every way a seed is commonly written: raw, hex (both cases), base32 (with and without
    padding, upper and lower case), base64."""
    b32 = base64.b32encode(seed)
    hexed = binascii.hexlify(seed)
    return [
        seed,
        hexed,
        hexed.upper(),
        b32,
        b32.rstrip(b"="),
        b32.lower(),
        base64.b64encode(seed).rstrip(b"="),
    ]


def _database_dump() -> bytes:
    """What an attacker who copies the database gets: on SQLite the database file and its WAL
    as bytes; on PostgreSQL every row of every table as text."""
    connection.close_if_unusable_or_obsolete()
    if connection.vendor == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        return b"".join(p.read_bytes() for p in (name, Path(f"{name}-wal")) if p.exists())
    out = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names(cur):
            cur.execute(f"SELECT t::text FROM {connection.ops.quote_name(table)} t")
            out.extend(row[0].encode() for row in cur.fetchall())
    return b"\n".join(out)


@pytest.mark.django_db(transaction=True)
def test_an_enrolled_seed_is_nowhere_in_a_dump_of_the_database(client):
    created = staff_create(actor=None, username="anna", role="admin")
    device = first_login(client, created)
    seed = device.bin_key
    assert len(seed) == 20
    dump = _database_dump()
    assert b"anna" in dump  # the dump does read the stored rows
    for form in _seed_forms(seed):
        assert form not in dump, form
    assert not ClearTOTPDevice.objects.exists()


def test_login_with_the_encrypted_device_still_works_end_to_end(client):
    created = staff_create(actor=None, username="anna", role="admin")
    device = first_login(client, created)
    client.post(reverse("accounts:logout"))
    client.post(reverse("accounts:login"), {"username": "anna", "password": NEW_PASSWORD})
    r = client.post(reverse("accounts:two_factor"), {"token": code_for(device)})
    assert r.status_code == 302 and r["Location"] != reverse("accounts:two_factor")
    assert client.get(reverse("accounts:staff")).status_code == 200


def test_a_seed_copied_into_another_accounts_row_does_not_open(make_staff):
    """Someone who can write the database but not read the key file cannot move their own
    device's ciphertext onto a colleague's account and use their own app there."""
    mallory, anna = make_staff("caseworker", "mallory"), make_staff("admin", "anna")
    mine = TOTPDevice.objects.create(user=mallory, name="phone", confirmed=True)
    theirs = TOTPDevice.objects.create(user=anna, name="phone", confirmed=True)
    my_code = f"{totp(mine.bin_key):06d}"
    TOTPDevice.objects.filter(pk=theirs.pk).update(encrypted_key=mine.encrypted_key)
    theirs.refresh_from_db()
    assert theirs.verify_token(my_code) is False
    assert theirs.throttling_failure_count == 1


@pytest.mark.django_db(transaction=True)
def test_the_seed_key_is_a_private_file_in_the_data_directory(make_staff):
    TOTPDevice.objects.create(user=make_staff("admin"), name="phone", confirmed=True)
    key_file = Path(settings.DATA_DIR) / TOTP_KEY_FILE
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert len(key_file.read_bytes()) == 32
    assert key_file.read_bytes() not in _database_dump()


def test_a_used_code_is_refused_the_second_time(make_staff):
    device = TOTPDevice.objects.create(user=make_staff("admin"), name="phone", confirmed=True)
    code = code_for(device)
    assert device.verify_token(code) is True
    assert device.verify_token(code) is False


@pytest.mark.parametrize("token", ["", "abc", None, "1" * 40, "１２３４５６"])
def test_a_malformed_code_is_refused_not_an_error(make_staff, token):
    device = TOTPDevice.objects.create(user=make_staff("admin"), name="phone", confirmed=True)
    assert device.verify_token(token) is False


def test_the_enrolment_url_carries_the_decrypted_seed(make_staff):
    user = make_staff("admin", "anna")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=False)
    url = device.config_url
    assert url.startswith("otpauth://totp/anna?")
    assert f"secret={base64.b32encode(device.bin_key).decode()}" in url


def test_no_code_outside_migrations_uses_django_otps_clear_text_device():
    src = Path(__file__).resolve().parents[2] / "src" / "kintrace"
    offenders = [
        str(p)
        for p in src.rglob("*.py")
        if "migrations" not in p.parts and "otp_totp.models" in p.read_text()
    ]
    assert offenders == []


def test_an_outsider_cannot_read_the_seed_key(make_staff):
    """The data directory is the owner's alone, so another local account cannot read it."""
    TOTPDevice.objects.create(user=make_staff("admin"), name="phone", confirmed=True)
    data_dir = Path(settings.DATA_DIR)
    assert data_dir.stat().st_mode & 0o077 == 0
    assert (data_dir / TOTP_KEY_FILE).stat().st_mode & 0o077 == 0


def test_enrolment_replaces_an_unconfirmed_device_whose_seed_does_not_open(client):
    created = staff_create(actor=None, username="anna", role="admin")
    client.post(reverse("accounts:login"), {"username": "anna", "password": created.password})
    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": created.password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    client.get(reverse("accounts:totp_setup"))
    TOTPDevice.objects.filter(user=created.user).update(encrypted_key=b"\x01" + b"\x00" * 60)
    page = client.get(reverse("accounts:totp_setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=created.user)
    assert device.seed_opens()
    assert page.context["secret"].replace(" ", "") == base64.b32encode(device.bin_key).decode()


def test_a_confirmed_device_whose_seed_does_not_open_refuses_codes_without_an_error(
    client, make_staff
):
    device = TOTPDevice.objects.create(user=make_staff("admin"), name="phone", confirmed=True)
    code = code_for(device)
    TOTPDevice.objects.filter(pk=device.pk).update(encrypted_key=b"\x01" + b"\x00" * 60)
    device.refresh_from_db()
    assert device.verify_token(code) is False

"""Upgrading a database with django-otp's clear-text devices (accounts migration 0003): each
device keeps working with the same authenticator app, and no clear seed is left."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice as ClearTOTPDevice

from kintrace.accounts.models import TOTPDevice, User

pytestmark = pytest.mark.django_db(transaction=True)

SEED_HEX = "3132333435363738393031323334353637383930"  # RFC 6238's test seed


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


@pytest.fixture
def upgraded():
    """Two staff with django-otp devices written before the upgrade, then the upgrade."""
    _migrate([("accounts", "0002_user_must_change_password")])
    try:
        anna = User.objects.create_user("anna", password="correct horse battery", role="admin")
        boris = User.objects.create_user("boris", password="correct horse battery")
        ClearTOTPDevice.objects.create(
            user=anna, name="phone", confirmed=True, key=SEED_HEX, last_t=5, drift=1
        )
        ClearTOTPDevice.objects.create(user=boris, name="new", confirmed=False)
    finally:
        _migrate([("accounts", "0003_totp_device_encrypted")])
    return anna, boris


def test_existing_devices_are_encrypted_and_the_clear_rows_removed(upgraded):
    anna, boris = upgraded
    assert not ClearTOTPDevice.objects.exists()
    device = TOTPDevice.objects.get(user=anna)
    assert device.bin_key.hex() == SEED_HEX
    assert (device.name, device.confirmed, device.last_t, device.drift) == ("phone", True, 5, 1)
    assert SEED_HEX.encode() not in bytes(device.encrypted_key)
    assert TOTPDevice.objects.get(user=boris).confirmed is False


def test_the_same_authenticator_app_still_logs_in_after_the_upgrade(upgraded):
    anna, _ = upgraded
    device = TOTPDevice.objects.get(user=anna)
    device.drift = 0
    device.save()
    assert device.verify_token(f"{totp(bytes.fromhex(SEED_HEX)):06d}") is True

"""Debian's chromium driven by Playwright (never a downloaded browser), and a TOTP code as a
staff member's phone would show it."""

import time

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_context(live_server, monkeypatch):
    """browser_context(**playwright_context_options) -> a fresh context; closed after the test."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls here are plain.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        contexts = []

        def make(**options):
            contexts.append(browser.new_context(**options))
            return contexts[-1]

        try:
            yield make
        finally:
            for context in contexts:
                context.close()
            browser.close()


@pytest.fixture(scope="session", autouse=True)
def _live_server_connections_closed(django_db_setup, django_db_blocker):
    """The live server answers the browser on daemon threads that keep their database
    connection open after the last request; PostgreSQL then refuses to drop the test
    database at the end of the run ("being accessed by other users"). End those sessions
    first (test infrastructure only)."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


def totp_code(device) -> str:
    """The code for the next time step the device has not yet accepted (a code is good once)."""
    from django_otp.oath import totp

    device.refresh_from_db()
    now_t = int((time.time() - device.t0) // device.step)
    t = max(now_t, device.last_t + 1)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, t - now_t):0{device.digits}d}"  # noqa: E501

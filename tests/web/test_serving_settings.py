"""The serving settings come from the environment and refuse what would trust too much."""

import json
import os
import subprocess
import sys

import pytest

PRINT = """
import django, json, os
os.environ['DJANGO_SETTINGS_MODULE'] = 'kintrace.settings'
django.setup()
from django.conf import settings
from kintrace.web.serving import waitress_options
options = waitress_options()
options['trusted_proxy_headers'] = sorted(options.get('trusted_proxy_headers', []))
print(json.dumps({'options': options, 'ssl_header': settings.SECURE_PROXY_SSL_HEADER,
                  'hsts': settings.SECURE_HSTS_SECONDS,
                  'subdomains': settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
                  'origins': settings.CSRF_TRUSTED_ORIGINS,
                  'secure_cookies': [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE]}))
"""
PRODUCTION = {
    "KINTRACE_MODE": "production",
    "KINTRACE_SECRET_KEY": "x" * 50,
    "KINTRACE_ALLOWED_HOSTS": "kintrace.example.org",
}


def _start(tmp_path, **env) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith("KINTRACE_") and k != "DATABASE_URL"
    }
    clean.update({"KINTRACE_DATA_DIR": str(tmp_path / "data"), **env})
    return subprocess.run(
        [sys.executable, "-c", PRINT], env=clean, capture_output=True, text=True, timeout=120
    )


def _settings(tmp_path, **env) -> dict:
    result = _start(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "name,value",
    [
        ("KINTRACE_TRUSTED_PROXY", "*"),
        ("KINTRACE_TRUSTED_PROXY", "proxy.internal"),
        ("KINTRACE_TRUSTED_PROXY", "127.0.0.1,10.0.0.1"),
        ("KINTRACE_TRUSTED_PROXY", "10.0.0.0/8"),
        ("KINTRACE_CSRF_TRUSTED_ORIGINS", "kintrace.example.org"),
        ("KINTRACE_CSRF_TRUSTED_ORIGINS", "https://kintrace.example.org/report/"),
        ("KINTRACE_CSRF_TRUSTED_ORIGINS", "https://ok.example.org,ftp://files.example.org"),
        ("KINTRACE_HSTS_SECONDS", "a year"),
        ("KINTRACE_HSTS_INCLUDE_SUBDOMAINS", "yes"),
    ],
)
def test_a_malformed_serving_setting_is_refused_naming_it(tmp_path, name, value):
    result = _start(tmp_path, **PRODUCTION, **{name: value})
    assert result.returncode != 0 and name in result.stderr


def test_without_a_trusted_proxy_no_forwarded_header_is_believed(tmp_path):
    s = _settings(tmp_path, **PRODUCTION)
    assert s["ssl_header"] is None
    assert "trusted_proxy" not in s["options"]
    assert s["options"]["clear_untrusted_proxy_headers"] is True


def test_a_trusted_proxy_is_believed_about_https_only(tmp_path):
    s = _settings(
        tmp_path,
        **PRODUCTION,
        KINTRACE_TRUSTED_PROXY="::1",
        KINTRACE_CSRF_TRUSTED_ORIGINS="https://kintrace.example.org:8443",
    )
    assert s["ssl_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert s["options"]["trusted_proxy"] == "::1"
    assert s["options"]["trusted_proxy_headers"] == ["x-forwarded-proto"]
    assert s["origins"] == ["https://kintrace.example.org:8443"]


def test_production_sends_hsts_and_secure_cookies_and_embedded_mode_does_not(tmp_path):
    production = _settings(tmp_path, **PRODUCTION)
    assert production["hsts"] == 31536000 and production["subdomains"] is False
    assert production["secure_cookies"] == [True, True]
    embedded = _settings(tmp_path)
    assert embedded["hsts"] == 0 and embedded["secure_cookies"] == [False, False]


def test_waitress_keeps_the_largest_request_in_memory_and_refuses_more(tmp_path):
    s = _settings(tmp_path, KINTRACE_MAX_LIST_BYTES=str(200 * 2**20))
    options = s["options"]
    assert options["max_request_body_size"] > 200 * 2**20
    assert options["inbuf_overflow"] >= options["max_request_body_size"]
    assert options["outbuf_overflow"] >= 2**62

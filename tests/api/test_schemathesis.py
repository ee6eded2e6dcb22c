"""Schemathesis against the public API: every operation the OpenAPI schema describes, with
bodies, headers and parameters generated from that schema (valid ones and, in negative mode,
ones the schema forbids). Bounded so it runs in well under a minute.

Required: no server error, and no contract violation: every status, content type and body
the API answers is one its schema documents.
"""

from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


from kintrace.wsgi import application  # noqa: E402 - pytest-django has set Django up

# Read from the app itself, as a client would: the schema served is the schema tested.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], deterministic=True, database="none"
)


@pytest.fixture(autouse=True)
def _app(org_keys):
    """Organisation keys exist, so reports are stored (not refused with 503); and, as in
    Django's test client, a request's end does not close the test's database connection."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=30,
    deadline=timedelta(seconds=10),
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_schema_and_never_fails_on_generated_requests(case):
    case.call_and_validate(checks=CHECKS)

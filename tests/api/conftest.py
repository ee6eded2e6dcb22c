import pytest

from tests.security.conftest import unlocked_staff  # noqa: F401 - shared fixture


@pytest.fixture
def org_keys(db):
    from kintrace.security.testing import org_keys_for_tests

    return org_keys_for_tests()

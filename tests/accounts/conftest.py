from tests.security.conftest import unlocked_staff  # noqa: F401  (shared with the key tests)

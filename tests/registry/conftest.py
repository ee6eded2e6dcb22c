import pytest


@pytest.fixture
def alice(make_staff):
    """A caseworker: the usual actor of registry services."""
    return make_staff("caseworker", username="alice")


@pytest.fixture
def regions(db):
    from kintrace.registry.services import regions_ensure_loaded

    regions_ensure_loaded()


@pytest.fixture
def strong_source(alice):
    from kintrace.registry.services import source_create

    return source_create(
        kind="official_list",
        title="Hospital admissions list",
        reliability="B",
        credibility=2,
        actor=alice,
    )


@pytest.fixture
def weak_source(alice):
    from kintrace.registry.services import source_create

    return source_create(
        kind="social_post",
        title="Post in a relatives' chat",
        reliability="E",
        credibility=5,
        actor=alice,
    )

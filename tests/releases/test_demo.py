"""The demo's overlapping lists make the estimate page estimate."""

import random

from kintrace.estimate.mse import Estimate
from kintrace.registry.demo import load_demo
from kintrace.releases.demo import demo_overlaps
from kintrace.releases.selectors import estimates_by


def test_the_demo_lists_overlap_enough_for_an_estimate_of_the_whole_registry(db):
    load_demo(persons=400)
    made = demo_overlaps(rng=random.Random(2026), actor=None)
    assert made["casualty"] > 0 and made["hospital"] > 0
    whole = estimates_by("region")[0]
    assert isinstance(whole.result, Estimate), whole.result
    assert whole.result.total >= whole.observed


def test_where_chao_s_bound_lies_above_the_model_s_range_the_page_says_neither_is_firm(
    db, make_staff, login
):
    # The demo's lists depend on a man's status (the dead on the casualty and hospital lists):
    # its 400 men give a model range ending below Chao's bound.
    load_demo(persons=400)
    demo_overlaps(rng=random.Random(2026), actor=None)
    whole = estimates_by("region")[0]
    assert isinstance(whole.result, Estimate) and whole.result.disagrees_with_chao
    c = login(make_staff("analyst"))
    page = c.get("/numbers/estimate/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="chao-disagrees"' in page and "neither number is firm" in page

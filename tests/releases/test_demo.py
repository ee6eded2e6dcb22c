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

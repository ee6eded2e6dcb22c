"""The estimate from the registry's lists: memberships, the page, the command."""

import pytest

from kintrace.estimate.mse import Estimate, Refusal, RefusalReason
from kintrace.releases.memberships import LIST_NAMES, histories_by_group, memberships
from kintrace.releases.selectors import estimates_by


def test_each_man_is_on_the_lists_his_reports_entries_and_media_events_put_him(overlapping):
    member = memberships()
    on_any = set(member)
    assert on_any < {p.pk for p in overlapping}
    assert {name for lists in member.values() for name in lists} == {
        "relatives",
        "list:casualty",
        "media",
    }


def test_histories_count_each_man_once_per_colony(overlapping):
    tables = histories_by_group("colony")
    assert len(tables) == 2
    assert sum(sum(t.values()) for t in tables.values()) == len(memberships())
    assert all(len(h) == len(LIST_NAMES) for t in tables.values() for h in t)


def test_the_whole_registry_gets_an_estimate_from_three_lists(overlapping):
    rows = estimates_by("region")
    whole = rows[0]
    assert whole.key == "*"
    assert isinstance(whole.result, Estimate)
    assert whole.result.lower <= 400 <= whole.result.upper * 1.5
    assert len(whole.lists) == 3


def test_a_group_with_two_lists_is_refused_with_words(db, overlapping):
    from kintrace.lists.models import ListEntry

    ListEntry.objects.all().delete()
    row = estimates_by("colony")[1]
    assert isinstance(row.result, Refusal)
    assert row.result.reason is RefusalReason.TOO_FEW_LISTS
    assert row.reason_text == "fewer than three lists record men here"


def test_another_grouping_is_refused():
    with pytest.raises(ValueError):
        estimates_by("person")


def test_the_estimate_command_prints_a_line_per_group(overlapping, capsys):
    from kintrace.cli import main

    assert main(["estimate", "--by", "colony"]) == 0
    out = capsys.readouterr().out
    assert "all men" in out and "ИК-2" in out and "ИК-5" in out

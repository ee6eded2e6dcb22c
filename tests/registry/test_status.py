from kintrace.registry.models import ConflictState, PersonStatus
from kintrace.registry.status import Candidate, best_grade, derive_status


def c(event_id, type, start_sort, well=True, grade="B2"):
    return Candidate(
        event_id=event_id,
        type=type,
        start_sort=start_sort,
        date_display=str(start_sort),
        well_sourced=well,
        best_grade=grade if grade else "",
    )


def test_without_events_the_status_is_unknown():
    d = derive_status([])
    assert d.status == PersonStatus.UNKNOWN and d.winner is None
    assert d.reason()


def test_events_that_say_nothing_about_his_fate_leave_the_status_unknown():
    d = derive_status([c(1, "payment_promised", 20230101), c(2, "other", 20230201)])
    assert d.status == PersonStatus.UNKNOWN


def test_the_newest_well_sourced_event_wins():
    d = derive_status(
        [c(1, "deployed", 20230301), c(2, "wounded", 20230501), c(3, "killed", 20230701)]
    )
    assert d.status == PersonStatus.DEAD and d.winner.event_id == 3


def test_a_newer_weak_report_does_not_override_an_older_well_sourced_one():
    d = derive_status([c(1, "wounded", 20230501), c(2, "killed", 20230601, well=False, grade="E5")])
    assert d.status == PersonStatus.WOUNDED
    assert [x.event_id for x in d.newer_weak] == [2]
    assert "E5" not in d.reason() and "B2" in d.reason()


def test_without_any_well_sourced_event_the_newest_weak_report_decides_and_says_so():
    d = derive_status(
        [
            c(1, "contact", 20230501, well=False, grade="D4"),
            c(2, "missing", 20230801, well=False, grade=""),
        ]
    )
    assert d.status == PersonStatus.MISSING
    assert "no source" in d.reason()


def test_on_the_same_date_the_graver_outcome_wins():
    d = derive_status([c(1, "killed", 20230500), c(2, "wounded", 20230500)])
    assert d.status == PersonStatus.DEAD


def test_an_undated_event_is_older_than_every_dated_one():
    d = derive_status([c(1, "missing", 0), c(2, "contact", 20230101)])
    assert d.status == PersonStatus.ALIVE


def test_a_sign_of_life_beside_an_undated_death_is_an_open_conflict_and_the_death_stands():
    d = derive_status([c(1, "killed", 0), c(2, "contact", 20230101)])
    assert d.status == PersonStatus.DEAD
    assert [(x.event_id, y.event_id) for x, y in d.conflicts] == [(1, 2)]


def test_a_return_home_after_a_death_report_is_a_conflict_until_a_coordinator_decides():
    events = [c(1, "killed", 20230601), c(2, "returned_home", 20240101)]
    d = derive_status(events)
    assert d.status == PersonStatus.DEAD and len(d.conflicts) == 1
    assert "Conflicting evidence" in d.reason()
    assert (
        derive_status(events, [(1, 2, ConflictState.ALIVE_AFTER)]).status == PersonStatus.RETURNED
    )
    decided = derive_status(events, [(1, 2, ConflictState.DEATH_STANDS)])
    assert decided.status == PersonStatus.DEAD and not decided.conflicts


def test_best_grade_prefers_reliability_then_credibility():
    assert best_grade([("C", 1), ("B", 3), ("B", 2)]) == "B2"
    assert best_grade([]) == ""

"""How a person's status follows from his dated events (pure functions, no database).

The rule, in words:
1. Only events where the person is the subject and whose type says something about his fate
   count (STATUS_BY_EVENT). Payments, document requests and "other" say nothing.
2. An event is *well-sourced* when at least one of its sources is graded reliability A–C and
   credibility 1–3 on the Admiralty scale (e.g. B2). Weaker grades (D–F, 4–6) or no source at
   all make it a weak report.
3. If any well-sourced event exists, the newest well-sourced one wins, even when a weaker
   report is newer; the newer weak reports are named in the reason so a person can check
   them. Otherwise the newest weak report wins, and the reason says it is weakly sourced.
4. "Newest" is by start date; a partial date counts as the start of its span and an undated
   event is older than every dated one. On the same date the graver outcome wins:
   dead > captured > missing > wounded > returned > believed alive.
5. No event that says anything: unknown.

Conflicting evidence (a well-sourced death, then a sign of life) is never settled by the
newest-wins rule alone:
6. A *conflict* is a well-sourced death (killed, body returned, buried, declared dead) and a
   sign of life (LIFE_SIGNS: wounded, hospitalised, captured, contact, pardoned, returned home)
   of any grade dated after it — ordered as in rule 4, a partial date counting as the start
   of its span — or that cannot be placed because one of the two is undated. The same date
   is not a conflict: he may have died of his wounds that day (or that month).
7. While a conflict is open the death stands (the graver outcome, until a person decides),
   the sign of life does not decide the status, and the reason names the conflict.
8. A coordinator decides each conflict: "the death stands" (the sign of life is wrong or about
   another man: it no longer counts for the status) or "he was alive after it" (the death
   report is wrong: it no longer counts). The decision is kept and the status derived again.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import ConflictState, EventType, PersonStatus

STATUS_BY_EVENT: dict[str, str] = {
    EventType.OFFERED: PersonStatus.ALIVE,
    EventType.APPLIED: PersonStatus.ALIVE,
    EventType.SELECTED: PersonStatus.ALIVE,
    EventType.QUARANTINED: PersonStatus.ALIVE,
    EventType.TRANSFERRED: PersonStatus.ALIVE,
    EventType.TRAINING: PersonStatus.ALIVE,
    EventType.DEPLOYED: PersonStatus.ALIVE,
    EventType.CONTACT: PersonStatus.ALIVE,
    EventType.PARDONED: PersonStatus.ALIVE,
    EventType.WOUNDED: PersonStatus.WOUNDED,
    EventType.HOSPITALISED: PersonStatus.WOUNDED,
    EventType.CAPTURED: PersonStatus.CAPTURED,
    EventType.MISSING: PersonStatus.MISSING,
    EventType.KILLED: PersonStatus.DEAD,
    EventType.BODY_RETURNED: PersonStatus.DEAD,
    EventType.BURIED: PersonStatus.DEAD,
    EventType.DECLARED_DEAD_BY_COURT: PersonStatus.DEAD,
    EventType.RETURNED_HOME: PersonStatus.RETURNED,
}

# Tie-break on the same date: the graver outcome wins until someone disproves it.
GRAVITY: dict[str, int] = {
    PersonStatus.ALIVE: 1,
    PersonStatus.RETURNED: 2,
    PersonStatus.WOUNDED: 3,
    PersonStatus.MISSING: 4,
    PersonStatus.CAPTURED: 5,
    PersonStatus.DEAD: 6,
}


# Events that say he was alive when they happened: after a death, they contradict it.
LIFE_SIGNS = frozenset(
    {
        EventType.WOUNDED,
        EventType.HOSPITALISED,
        EventType.CAPTURED,
        EventType.CONTACT,
        EventType.PARDONED,
        EventType.RETURNED_HOME,
    }
)


@dataclass(frozen=True)
class Candidate:
    """One of the person's events, reduced to what the rule needs."""

    event_id: int
    type: str
    start_sort: int  # models.sort_key() of the start date; 0 when undated
    date_display: str
    well_sourced: bool
    best_grade: str  # e.g. "B2", "" when the event cites no source

    @property
    def status(self) -> str:
        return STATUS_BY_EVENT[self.type]

    @property
    def order(self) -> tuple[int, int, int]:
        return (self.start_sort, GRAVITY[self.status], self.event_id)

    @property
    def type_label(self) -> str:
        return str(EventType(self.type).label)


def find_conflicts(candidates: list[Candidate]) -> list[tuple[Candidate, Candidate]]:
    """(death, sign of life) pairs that contradict each other, by rule 6 above."""
    deaths = [
        c
        for c in candidates
        if c.type in STATUS_BY_EVENT
        and STATUS_BY_EVENT[c.type] == PersonStatus.DEAD
        and c.well_sourced
    ]
    lives = [c for c in candidates if c.type in LIFE_SIGNS]
    return [
        (d, life)
        for d in deaths
        for life in lives
        if not d.start_sort or not life.start_sort or life.start_sort > d.start_sort
    ]


@dataclass(frozen=True)
class Decision:
    status: str
    winner: Candidate | None = None
    newer_weak: tuple[Candidate, ...] = field(default_factory=tuple)
    # Open conflicts, (death, sign of life): the status holds the death until decided.
    conflicts: tuple[tuple[Candidate, Candidate], ...] = field(default_factory=tuple)

    def reason(self) -> str:
        """The decision in a sentence, in the active language."""
        if self.winner is None:
            return _("No dated event says anything about his fate yet.")
        w = self.winner
        event_type = EventType(w.type).label
        when = w.date_display or _("undated")
        if w.well_sourced:
            text = _("%(event)s (%(date)s), source graded %(grade)s.") % {
                "event": event_type,
                "date": when,
                "grade": w.best_grade,
            }
        elif w.best_grade:
            text = _("%(event)s (%(date)s), only weakly sourced: best grade %(grade)s.") % {
                "event": event_type,
                "date": when,
                "grade": w.best_grade,
            }
        else:
            text = _("%(event)s (%(date)s), no source cited.") % {
                "event": event_type,
                "date": when,
            }
        if self.newer_weak:
            kinds = ", ".join(
                f"{EventType(c.type).label} ({c.date_display or _('undated')})"
                for c in self.newer_weak
            )
            text += " " + ngettext(
                "A newer but weakly sourced report is not counted: %(list)s.",
                "Newer but weakly sourced reports are not counted: %(list)s.",
                len(self.newer_weak),
            ) % {"list": kinds}
        if self.conflicts:
            pairs = "; ".join(
                _("%(life)s (%(life_date)s) after %(death)s (%(death_date)s)")
                % {
                    "life": EventType(life.type).label,
                    "life_date": life.date_display or _("undated"),
                    "death": EventType(death.type).label,
                    "death_date": death.date_display or _("undated"),
                }
                for death, life in self.conflicts
            )
            text += " " + _(
                "Conflicting evidence, not yet decided by a coordinator: "
                "%(pairs)s. The death stands until then."
            ) % {"pairs": pairs}
        return text


def best_grade(grades: list[tuple[str, int]]) -> str:
    """The strongest Admiralty grade among (reliability, credibility) pairs: A1 beats B2."""
    if not grades:
        return ""
    r, c = min(grades)
    return f"{r}{c}"


def derive_status(
    candidates: list[Candidate], conflicts: Sequence[tuple[int, int, str]] = ()
) -> Decision:
    """Apply the rule in this module's docstring. `conflicts`: the person's recorded
    conflicts as (death event id, life event id, ConflictState); a pair find_conflicts
    reports that is not recorded counts as open."""
    by_pair = {(d, life): state for d, life, state in conflicts}
    found = find_conflicts(candidates)
    excluded: set[int] = set()
    found_open: list[tuple[Candidate, Candidate]] = []
    for death, life in found:
        state = by_pair.get((death.event_id, life.event_id), ConflictState.OPEN)
        if state == ConflictState.DEATH_STANDS:
            excluded.add(life.event_id)
        elif state == ConflictState.ALIVE_AFTER:
            excluded.add(death.event_id)
        else:
            found_open.append((death, life))
    # An open conflict: its sign of life decides nothing until someone decides (rule 7).
    holding = {life.event_id for death, life in found_open if death.event_id not in excluded}
    relevant = [
        c
        for c in candidates
        if c.type in STATUS_BY_EVENT and c.event_id not in excluded and c.event_id not in holding
    ]
    open_pairs = tuple(p for p in found_open if p[0].event_id not in excluded)
    if not relevant:
        return Decision(PersonStatus.UNKNOWN, conflicts=open_pairs)
    well = [c for c in relevant if c.well_sourced]
    if well:
        winner = max(well, key=lambda c: c.order)
        newer_weak = tuple(
            sorted(
                (c for c in relevant if not c.well_sourced and c.order > winner.order),
                key=lambda c: c.order,
            )
        )
        return Decision(winner.status, winner, newer_weak, open_pairs)
    winner = max(relevant, key=lambda c: c.order)
    return Decision(winner.status, winner, conflicts=open_pairs)

"""Which word is which: the order of roles (Фамилия Имя Отчество, Имя Фамилия …) and the
(sex, grammatical case) hypothesis that fits every word in its role.
"""

from __future__ import annotations

from kintrace.names.parse.words import _CASES, _HYPOTHESES, _HYPOTHESIS_PRIOR, _Word

_PRIORS = {
    # (number of words, script kind) -> {order: prior}
    (1, "c"): {"S": 0.3, "G": 0.0, "P": -1.0},
    (1, "l"): {"S": 0.3, "G": 0.0, "P": -1.0},
    (2, "c"): {"SG": 0.4, "GS": 0.2, "GP": 0.1, "SP": -0.5},
    (2, "l"): {"GS": 0.4, "SG": 0.2, "GP": 0.1, "SP": -0.5},
    # Имя Фамилия Отчество is all but unknown in Russian writing: the patronymic follows the
    # given name ("Свирида Богдана Мартыновича" is Свирид Богдан, not Богдан Свирид)
    (3, "c"): {"SGP": 0.6, "GPS": 0.3, "GSP": -1.0},
    (3, "l"): {"GPS": 0.4, "SGP": 0.4, "GSP": -0.3},
}


def _choose_order(words: list[_Word], comma_after_first: bool, has_initials: bool) -> str:
    n = len(words)
    latin = True
    caps = plain = 0
    for w in words:
        latin = latin and w.latin
        if w.caps:
            caps += 1
        else:
            plain += 1
    priors = _PRIORS[(n, "l" if latin else "c")]
    mixed_case = caps and plain
    best, best_score = "", float("-inf")
    for order, prior in priors.items():
        if has_initials and n == 1 and order != "S":
            continue
        score = prior + _agreement(words, order) if n > 1 else prior
        for w, role in zip(words, order, strict=False):
            score += w.scores[role]
            if mixed_case and w.caps:
                score += 2.0 if role == "S" else -1.0
        if comma_after_first:
            score += 5.0 if order[0] == "S" else -5.0
        if score > best_score:
            best, best_score = order, score
    return best


def _agreement(words: list[_Word], order: str) -> float:
    """Whether the words can agree in case and sex in these roles: minus the number of words
    with no reading in the (sex, case) that suits the most of them. "Лева Ивана Ильича"
    agrees as Фамилия Имя Отчество in the genitive (Лев Иван Ильич); with the given name
    Лёва (nominative only) two words would be in another case than the patronymic."""
    fits = [w.fit[r] for w, r in zip(words, order, strict=False)]
    return max(sum(f[i] for f in fits if f[i] < 0) for i in range(len(_HYPOTHESES)))


def _hypothesis(roles: dict[str, _Word]) -> tuple[str, str, bool]:
    """(sex, case, sex_is_evidenced) that best fits every word's readings in its role."""
    totals = [
        sum(t)
        for t in zip(
            _HYPOTHESIS_PRIOR,
            *(w.fit["P2" if role == "P" else role] for role, w in roles.items()),
            strict=False,
        )
    ]
    best = totals.index(max(totals))
    sex, case = _HYPOTHESES[best]
    half = len(_CASES)
    other = max(totals[half:]) if sex == "m" else max(totals[:half])
    return sex, case, totals[best] - other > 0.05


_ROLE_CODE = {"S": 0, "G": 1, "P": 2}

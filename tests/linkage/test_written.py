"""Keys of names as written (kintrace.linkage.written), the engine's second view of a name."""

import pandas as pd

from kintrace.linkage.model import SPARSE_RULE_MAX_RECORDS, blocking_rules
from kintrace.linkage.written import written_key, written_keys


def test_written_key_keeps_only_letters_in_lower_case():
    assert written_key("Pai nter") == "painter"
    assert written_key("O'Brien-Smith") == "obriensmith"
    assert written_key("  ") is None


def test_written_key_spells_cyrillic_in_latin_letters_and_folds_yo():
    assert written_key("Пётр") == "petr"
    assert written_key("Щукин") == "shchukin"
    assert written_key("José") == "jose"


def test_only_split_columns_get_written_keys_and_a_free_form_name_wins():
    frame = pd.DataFrame(
        {
            "id": ["1", "2"],
            "name": ["", "Ivanov Petr"],
            "surname": ["Smith", "Ignored"],
            "given_name": ["John", "X"],
        }
    )
    keys = written_keys(frame)
    assert keys["surname_written"].tolist() == ["smith", None]
    assert keys["given_written"].tolist() == ["john", None]


def test_the_rule_for_bare_records_runs_only_on_inputs_small_enough_for_it_to_matter():
    bare = [r for r in blocking_rules() if "l.birth_year IS NULL OR r.birth_year IS NULL" in r]
    assert len(bare) == 1
    assert bare[0] in blocking_rules(SPARSE_RULE_MAX_RECORDS)
    assert bare[0] not in blocking_rules(SPARSE_RULE_MAX_RECORDS + 1)

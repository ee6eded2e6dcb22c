"""The registry's prepared records are kept between match runs and renewed when a name
changes."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kintrace.lists.prepared import registry_prepared


@pytest.fixture(autouse=True)
def own_files_dir(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_second_run_normalises_nothing_and_a_new_name_only_itself(person, caseworker):
    from kintrace.registry.services import person_name_add

    ivanov = person("Иванов Александр Сергеевич", "14.03.1987")
    person("Петров Пётр Петрович", "1990")
    first, person_of, fresh = registry_prepared()
    assert fresh >= 2
    assert set(person_of.values()) >= {ivanov.pk}
    _again, _p, fresh = registry_prepared()
    assert fresh == 0
    person_name_add(person=ivanov, text="Aleksandr Ivanov", actor=caseworker)
    prepared, person_of, fresh = registry_prepared()
    assert fresh == 1
    latin = prepared[prepared["unique_id"].map(person_of) == ivanov.pk]
    assert latin["surname_key"].nunique() == 1  # both spellings reach the same key
    row = prepared.set_index("unique_id").loc[str(first["unique_id"].iloc[0])]
    assert row["birth_year"] in (1987, 1990)


def test_a_changed_birth_date_is_normalised_again(person, caseworker):
    from kintrace.names.dates import parse_date
    from kintrace.registry.services import person_update

    p = person("Сидоров Василий Иванович", "1979")
    registry_prepared()
    person_update(person=p, birth=parse_date("05.1979"), actor=caseworker)
    prepared, person_of, fresh = registry_prepared()
    assert fresh == 1
    mine = prepared[prepared["unique_id"].map(person_of) == p.pk]
    assert int(mine["birth_month"].iloc[0]) == 5


def test_parallel_preparation_gives_the_engines_own_result():
    import pandas as pd

    from kintrace.linkage.prepare import prepare, records_to_frame
    from kintrace.lists.prepared import prepare_parallel

    frame = records_to_frame(
        [
            {"id": i, "name": name, "birth_date": born, "facility": fac, "region": ""}
            for i, (name, born, fac) in enumerate(
                [
                    ("Иванов Александр Сергеевич", "14.03.1987", "ИК-17 Мордовия"),
                    ("ИВАНОВ А.С.", "1987", ""),
                    ("Sasha Ivanov", "", "IK-17"),
                    ("Петров Пётр Петрович", "03.1990", "ИК-2"),
                    ("Иванов Александр Сергеевич", "", ""),
                ]
                * 5
            )
        ]
    )
    pd.testing.assert_frame_equal(prepare_parallel(frame, workers=2, min_rows=1), prepare(frame))


# Set up as `kintrace lists match` is: Django only under the main guard, which a spawned worker
# never runs.
WORKERS_SCRIPT = """
if __name__ == "__main__":
    import django

    django.setup()
    from kintrace.linkage.prepare import prepare, records_to_frame
    from kintrace.lists.prepared import prepare_parallel

    frame = records_to_frame([{"id": i, "name": "Иванов Александр Сергеевич",
                               "birth_date": "1987"} for i in range(6)])
    assert prepare_parallel(frame, workers=2, min_rows=1).equals(prepare(frame))
"""


def test_parallel_preparation_runs_in_workers_that_have_no_django(tmp_path):
    """A worker that cannot load what it runs breaks the pool, and prepare_parallel falls back
    to one process with the same result; only the worker's traceback tells."""
    script = tmp_path / "match.py"
    script.write_text(WORKERS_SCRIPT, encoding="utf-8")
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = {
        **os.environ,
        "PYTHONPATH": src,
        "DJANGO_SETTINGS_MODULE": "kintrace.settings",
        "KINTRACE_DATA_DIR": str(tmp_path / "data"),
    }
    done = subprocess.run(
        [sys.executable, str(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


def test_an_approximate_birth_year_reaches_the_matching_as_unknown(person, caseworker):
    from kintrace.names.dates import parse_date
    from kintrace.registry.services import person_update

    p = person("Сидоров Василий Иванович", "1979")
    person_update(person=p, birth=parse_date("около 1979", approximate=True), actor=caseworker)
    prepared, person_of, _fresh = registry_prepared()
    mine = prepared[prepared["unique_id"].map(person_of) == p.pk]
    assert len(mine) == 1 and mine["birth_year"].isna().all()
    # ... and as the range of years it allows, which the linkage compares
    assert (int(mine["birth_year_min"].iloc[0]), int(mine["birth_year_max"].iloc[0])) == (
        1977,
        1981,
    )

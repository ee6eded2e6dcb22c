import pytest

HOSPITAL_CSV = (
    "ФИО;Дата рождения;Учреждение;Регион;Дата поступления;Госпиталь\n"
    "Иванов Александр Сергеевич;14.03.1987;ИК-17;Мордовия;02.05.2023;ВГ Ростов-на-Дону\n"
    "Петров Пётр Петрович;1990;ИК-2;Пермский край;03.05.2023;ВГ Ростов-на-Дону\n"
    "Сидоров Василий Иванович;05.1979;ИК-6;Свердловская область;04.05.2023;ВГ Луганск\n"
)


@pytest.fixture
def caseworker(make_staff):
    return make_staff("caseworker", username="carol")


@pytest.fixture
def import_list(caseworker):
    """Import bytes as a list, all at once: import_list(data, kind="hospital")."""
    from kintrace.lists.services import list_import_start, list_upload

    def do(
        data: bytes | str = HOSPITAL_CSV,
        *,
        kind="hospital",
        title="Госпиталь, май 2023",
        filename="list.csv",
        actor=None,
        mapping=None,
        **source,
    ):
        if isinstance(data, str):
            data = data.encode("utf-8")
        actor = actor or caseworker
        pl, _table = list_upload(
            data=data, kind=kind, title=title, filename=filename, actor=actor, **source
        )
        return list_import_start(
            person_list=pl, mapping=mapping or pl.mapping, actor=actor, background=False
        )

    return do


@pytest.fixture
def person(caseworker):
    """A registry person: person("Иванов Александр Сергеевич", "14.03.1987")."""
    from kintrace.names.dates import parse_date
    from kintrace.registry.services import person_create

    def do(name, birth=None, actor=None):
        return person_create(
            name=name, birth=parse_date(birth) if birth else None, actor=actor or caseworker
        )

    return do

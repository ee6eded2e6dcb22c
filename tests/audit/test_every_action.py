"""Every audited action has a test that calls the service behind it and checks the entry it
leaves: the action, the actor, the target, and a chain that still verifies.

`test_every_action_has_a_marked_test` reads the whole tests/ tree (with `ast`, nothing is
imported) for `pytest.mark.audits(Action.X, ...)` — on a test function, in a module's
`pytestmark`, or in a `pytest.param(..., marks=...)` — and names every member of
`kintrace.audit.actions.Action` no test claims. A new action therefore needs a marked test,
here or beside the feature; the marked test must assert the entry (`assert_entry` below does).
"""

import ast
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from kintrace.audit.actions import Action
from kintrace.audit.models import AuditEntry
from kintrace.audit.selectors import audit_verify
from kintrace.names.dates import parse_date
from kintrace.security.testing import org_keys_for_tests, staff_with_key

TESTS = Path(__file__).resolve().parents[1]


# --- the check that every action has a case ------------------------------------------------


def _mark_actions(call: ast.Call) -> set[str]:
    """The Action member names in one `pytest.mark.audits(...)` call."""
    names = set()
    for arg in call.args:
        if (
            isinstance(arg, ast.Attribute)
            and isinstance(arg.value, ast.Name)
            and arg.value.id == "Action"
        ):
            names.add(arg.attr)
    return names


def _is_audits_mark(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "audits"
        and isinstance(node.func.value, ast.Attribute)
        and node.func.value.attr == "mark"
    )


def marked_actions(root: Path = TESTS) -> dict[str, list[str]]:
    """Action member name -> the test files whose `pytest.mark.audits(...)` names it.

    Counted only where the mark can reach a test: a decorator of a `test_*` function or of a
    class, a module-level `pytestmark`, or `marks=` of a `pytest.param`."""
    found: dict[str, list[str]] = {}

    def add(call: ast.Call, path: Path) -> None:
        for name in _mark_actions(call):
            found.setdefault(name, []).append(str(path.relative_to(root.parent)))

    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if isinstance(node, ast.ClassDef) or node.name.startswith("test"):
                    for deco in node.decorator_list:
                        if _is_audits_mark(deco):
                            add(deco, path)
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets
            ):
                for sub in ast.walk(node.value):
                    if _is_audits_mark(sub):
                        add(sub, path)
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "param"
            ):
                for kw in node.keywords:
                    if kw.arg == "marks":
                        for sub in ast.walk(kw.value):
                            if _is_audits_mark(sub):
                                add(sub, path)
    return found


def test_every_action_has_a_marked_test():
    found = marked_actions()
    missing = [a.name for a in Action if a.name not in found]
    assert not missing, (
        "audit actions no test claims (mark a test that calls the service and asserts the "
        "entry with @pytest.mark.audits(Action.NAME)): " + ", ".join(missing)
    )
    unknown = sorted(set(found) - {a.name for a in Action})
    assert not unknown, f"marks name actions that do not exist: {unknown} in {found}"


def test_the_mark_finder_sees_decorators_module_marks_and_params(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "test_a.py").write_text(
        "import pytest\n"
        "pytestmark = [pytest.mark.django_db, pytest.mark.audits(Action.CASE_OPEN)]\n"
        "@pytest.mark.audits(Action.EVENT_UPDATE, Action.EVENT_CREATE)\n"
        "def test_x(): pass\n"
        "@pytest.mark.parametrize(\n"
        "    'a', [pytest.param(1, marks=pytest.mark.audits(Action.DEMO_LOAD))]\n"
        ")\n"
        "def test_y(a): pass\n"
        "@pytest.mark.audits(Action.LIST_MATCH)\n"
        "def helper(): pass\n"
    )
    found = marked_actions(tmp_path)
    assert set(found) == {"CASE_OPEN", "EVENT_UPDATE", "EVENT_CREATE", "DEMO_LOAD"}
    assert found["EVENT_UPDATE"] == [f"{tmp_path.name}/sub/test_a.py"]


# --- one case per action ------------------------------------------------------------------


def assert_entry(action: Action, *, actor, target=None, target_type=None, target_id=None):
    """The newest entry of `action` names `actor` (a user, or None for the system/public) and
    the target (a model instance, or its type and id), and the whole chain verifies."""
    entry = AuditEntry.objects.filter(action=action.value).order_by("-seq").first()
    assert entry is not None, f"no {action.value} entry was written"
    assert entry.actor_id == (actor.pk if actor is not None else None), entry.actor_label
    assert entry.actor_label == ("" if actor is None else actor.get_username())
    if target is not None:
        target_type, target_id = target._meta.label_lower, target.pk
    if target_type is not None:
        assert entry.target_type == target_type
    if target_id is not None:
        assert entry.target_id == str(target_id)
    report = audit_verify()
    assert report.ok, report.problem
    return entry


@pytest.fixture
def alice(make_staff):
    return make_staff("caseworker", username="alice")


@pytest.fixture
def boss(make_staff):
    return make_staff("coordinator", username="boss")


@pytest.fixture
def admin(db):
    return staff_with_key("admin", username="root")


@pytest.fixture
def person(alice):
    from kintrace.registry.services import person_create

    return person_create(
        name="Иванов Александр Сергеевич", birth=parse_date("14.03.1987"), actor=alice
    )


@pytest.fixture
def source(alice):
    from kintrace.registry.services import source_create

    return source_create(
        kind="official_list", title="Hospital list", reliability="B", credibility=2, actor=alice
    )


# --- accounts -----------------------------------------------------------------------------


@pytest.mark.audits(Action.ACCOUNTS_LOGIN)
def test_a_completed_login_is_recorded(alice):
    from kintrace.accounts.services import login_record

    login_record(user=alice)
    assert_entry(Action.ACCOUNTS_LOGIN, actor=alice, target=alice)


@pytest.mark.audits(Action.ACCOUNTS_PASSWORD_CHANGE)
def test_a_password_change_is_recorded(db):
    from kintrace.accounts.services import password_change

    user = staff_with_key("caseworker", username="carol")
    password_change(
        user=user, old_password="correct horse battery", new_password="a new and long phrase 9"
    )
    assert_entry(Action.ACCOUNTS_PASSWORD_CHANGE, actor=user, target=user)


@pytest.mark.audits(Action.SECURITY_USER_KEY_RESET)
def test_a_key_pair_no_password_opens_is_replaced_and_recorded(make_staff):
    from kintrace.accounts.services import password_change
    from kintrace.security import keys

    user = make_staff("caseworker", username="carol")
    keys.user_key_create(user=user, password="another phrase, not hers")
    password_change(
        user=user, old_password="correct horse battery", new_password="a new and long phrase 9"
    )
    assert_entry(Action.SECURITY_USER_KEY_RESET, actor=user, target=user)


@pytest.mark.audits(Action.ACCOUNTS_STAFF_CREATE)
def test_creating_a_staff_account_is_recorded(admin):
    from kintrace.accounts.services import staff_create

    created = staff_create(actor=admin, username="dora", role="analyst")
    assert_entry(Action.ACCOUNTS_STAFF_CREATE, actor=admin, target=created.user)


@pytest.mark.audits(Action.ACCOUNTS_STAFF_DEACTIVATE, Action.SECURITY_KEY_REVOKE)
def test_deactivating_an_account_and_revoking_its_key_are_recorded(admin):
    from kintrace.accounts.services import staff_deactivate

    user = staff_with_key("caseworker", username="carol")
    staff_deactivate(actor=admin, user=user)
    assert_entry(Action.SECURITY_KEY_REVOKE, actor=admin, target=user)
    assert_entry(Action.ACCOUNTS_STAFF_DEACTIVATE, actor=admin, target=user)


@pytest.mark.audits(Action.ACCOUNTS_STAFF_UNLOCK)
def test_unlocking_an_account_is_recorded(admin, alice):
    from kintrace.accounts.services import staff_unlock

    staff_unlock(actor=admin, user=alice)
    assert_entry(Action.ACCOUNTS_STAFF_UNLOCK, actor=admin, target=alice)


@pytest.mark.audits(
    Action.ACCOUNTS_STAFF_PASSWORD_RESET,
    Action.SECURITY_USER_KEY_REPLACE,
    Action.SECURITY_KEY_GRANT,
)
def test_a_password_reset_replaces_and_grants_the_key_and_is_recorded(admin):
    from kintrace.accounts.services import staff_password_reset

    user = staff_with_key("caseworker", username="carol")
    staff_password_reset(actor=admin, user=user, org_private=org_keys_for_tests())
    assert_entry(Action.SECURITY_USER_KEY_REPLACE, actor=admin, target=user)
    assert_entry(Action.SECURITY_KEY_GRANT, actor=admin, target=user)
    assert_entry(Action.ACCOUNTS_STAFF_PASSWORD_RESET, actor=admin, target=user)


@pytest.mark.audits(Action.ACCOUNTS_STAFF_TOTP_RESET)
def test_a_two_factor_reset_is_recorded(admin, alice):
    from kintrace.accounts.services import staff_totp_reset

    staff_totp_reset(actor=admin, user=alice)
    assert_entry(Action.ACCOUNTS_STAFF_TOTP_RESET, actor=admin, target=alice)


@pytest.mark.audits(Action.ACCOUNTS_STAFF_ROLE_CHANGE)
def test_a_role_change_is_recorded(admin, alice):
    from kintrace.accounts.services import staff_role_change

    staff_role_change(actor=admin, user=alice, role="coordinator")
    assert_entry(Action.ACCOUNTS_STAFF_ROLE_CHANGE, actor=admin, target=alice)


@pytest.mark.audits(Action.ACCOUNTS_TOTP_ENROL_START, Action.ACCOUNTS_TOTP_ENROL)
def test_enrolling_an_authenticator_is_recorded_when_started_and_when_confirmed(alice):
    from kintrace.accounts.services import totp_enrolment_confirm, totp_enrolment_device

    device = totp_enrolment_device(user=alice)
    assert_entry(Action.ACCOUNTS_TOTP_ENROL_START, actor=alice, target=alice)
    totp_enrolment_confirm(user=alice, device=device)
    assert_entry(Action.ACCOUNTS_TOTP_ENROL, actor=alice, target=alice)


@pytest.mark.audits(Action.ACCOUNTS_SYSTEM_CREATE)
def test_the_system_account_is_made_once_and_recorded(db):
    from kintrace.accounts.services import system_user

    user = system_user()
    assert not user.is_active and not user.has_usable_password()
    assert_entry(Action.ACCOUNTS_SYSTEM_CREATE, actor=None, target=user)
    assert system_user() == user
    assert AuditEntry.objects.filter(action=Action.ACCOUNTS_SYSTEM_CREATE).count() == 1


@pytest.mark.audits(Action.SECURITY_ORG_KEYS_CREATE)
def test_creating_the_organisation_keys_is_recorded(admin_without_keys):
    from kintrace.security import keys

    keys.org_keys_create(actor=admin_without_keys)
    assert_entry(
        Action.SECURITY_ORG_KEYS_CREATE,
        actor=admin_without_keys,
        target_type="security.orgkey",
        target_id="1",
    )


@pytest.fixture
def admin_without_keys(make_staff):
    return make_staff("admin", username="first")


# --- registry -----------------------------------------------------------------------------


@pytest.mark.audits(Action.REGION_LOAD)
def test_loading_the_regions_is_recorded(db):
    from kintrace.registry.services import regions_ensure_loaded

    assert regions_ensure_loaded() > 0
    assert_entry(Action.REGION_LOAD, actor=None, target_type="registry.region")


@pytest.mark.audits(Action.FACILITY_CREATE, Action.FACILITY_UPDATE)
def test_creating_and_changing_a_facility_are_recorded(alice, boss):
    from kintrace.registry.services import facility_create, facility_update

    facility = facility_create(type="ИК", number="17", actor=alice)
    assert_entry(Action.FACILITY_CREATE, actor=alice, target=facility)
    facility_update(facility=facility, actor=boss, official_name="ФКУ ИК-17")
    assert_entry(Action.FACILITY_UPDATE, actor=boss, target=facility)


@pytest.mark.audits(Action.SOURCE_CREATE, Action.SOURCE_UPDATE)
def test_creating_and_changing_a_source_are_recorded(source, alice, boss):
    from kintrace.registry.services import source_update

    assert_entry(Action.SOURCE_CREATE, actor=alice, target=source)
    source_update(source=source, actor=boss, publisher="Минобороны")
    assert_entry(Action.SOURCE_UPDATE, actor=boss, target=source)


@pytest.mark.audits(Action.PERSON_CREATE, Action.PERSON_UPDATE, Action.PERSON_NAME_ADD)
def test_creating_a_person_changing_him_and_adding_a_name_are_recorded(person, alice, boss):
    from kintrace.registry.services import person_name_add, person_update

    assert_entry(Action.PERSON_CREATE, actor=alice, target=person)
    person_update(person=person, actor=boss, call_sign="Кедр")
    assert_entry(Action.PERSON_UPDATE, actor=boss, target=person)
    person_name_add(person=person, text="Ivanov Aleksandr", actor=alice)
    assert_entry(Action.PERSON_NAME_ADD, actor=alice, target=person)


@pytest.mark.audits(Action.PERSON_DISTINCT)
def test_saying_two_persons_are_different_men_is_recorded(person, alice):
    from kintrace.registry.models import PersonDistinct
    from kintrace.registry.services import person_create, persons_mark_distinct

    other = person_create(name="Иванов Александр Сергеевич", actor=alice)
    persons_mark_distinct(a=person, b=other, actor=alice)
    assert_entry(Action.PERSON_DISTINCT, actor=alice, target=PersonDistinct.objects.get())


@pytest.mark.audits(Action.PERSON_NAMES_REKEY)
def test_recomputing_the_name_keys_is_recorded(person, alice):
    from kintrace.registry.models import PersonName
    from kintrace.registry.services import person_names_rekey

    PersonName.objects.filter(person=person).update(surname_key="stale")
    assert person_names_rekey(actor=None) >= 1
    assert_entry(Action.PERSON_NAMES_REKEY, actor=None, target_type="registry.personname")


@pytest.mark.audits(Action.PERSON_FACILITY_RESOLVE, Action.EVENT_FACILITY_RESOLVE)
def test_choosing_the_facility_a_text_meant_is_recorded(alice, boss):
    from kintrace.registry.services import (
        event_create,
        facility_create,
        facility_resolve,
        person_create,
    )

    facility = facility_create(type="ИК", number="6", actor=alice)
    man = person_create(name="Сидоров Василий", actor=alice, last_facility_text="ИК 6 где-то")
    event = event_create(type="selected", actor=alice, persons=[man], facility_text="ИК 6 где-то")
    facility_resolve(facility=facility, person=man, actor=boss)
    assert_entry(Action.PERSON_FACILITY_RESOLVE, actor=boss, target=man)
    facility_resolve(facility=facility, event=event, actor=boss)
    assert_entry(Action.EVENT_FACILITY_RESOLVE, actor=boss, target=event)


@pytest.mark.audits(
    Action.EVENT_CREATE,
    Action.EVENT_UPDATE,
    Action.EVENT_PERSON_ADD,
    Action.EVENT_CITATION_ADD,
    Action.EVENT_CITATION_REMOVE,
    Action.PERSON_STATUS,
)
def test_every_change_to_an_event_is_recorded(person, source, alice, boss):
    from kintrace.registry.models import Citation
    from kintrace.registry.services import (
        citation_remove,
        event_citation_add,
        event_create,
        event_person_add,
        event_update,
        person_create,
    )

    event = event_create(type="contact", actor=alice, start=parse_date("05.2023"))
    assert_entry(Action.EVENT_CREATE, actor=alice, target=event)
    event_update(event=event, actor=boss, description="Позвонил матери")
    assert_entry(Action.EVENT_UPDATE, actor=boss, target=event)
    event_person_add(event=event, person=person, actor=alice)
    assert_entry(Action.EVENT_PERSON_ADD, actor=alice, target=event)
    event_citation_add(event=event, source=source, actor=boss)
    assert_entry(Action.EVENT_CITATION_ADD, actor=boss, target=event)
    citation_remove(citation=Citation.objects.get(event=event), actor=alice)
    assert_entry(Action.EVENT_CITATION_REMOVE, actor=alice, target=event)
    # A well-sourced death changes the man's status.
    killed = person_create(name="Петров Пётр Петрович", actor=alice)
    event_create(type="killed", actor=boss, persons=[killed], citations=[source])
    assert_entry(Action.PERSON_STATUS, actor=boss, target=killed)


@pytest.mark.audits(Action.EVENT_DELETE, Action.EVENT_RESTORE)
def test_deleting_and_restoring_an_event_are_recorded(person, alice, boss):
    from kintrace.registry.services import event_create, event_delete, event_restore

    event = event_create(type="contact", actor=alice, persons=[person])
    pk = event.pk
    deletion = event_delete(event=event, actor=boss, reason="entered twice")
    assert_entry(Action.EVENT_DELETE, actor=boss, target_type="registry.event", target_id=pk)
    restored = event_restore(deletion=deletion, actor=alice)
    assert restored.pk == pk
    assert_entry(Action.EVENT_RESTORE, actor=alice, target=restored)


@pytest.mark.audits(
    Action.PERSON_CONFLICT_OPEN, Action.PERSON_CONFLICT_GONE, Action.PERSON_CONFLICT_RESOLVE
)
def test_a_status_conflict_opening_going_and_being_decided_are_recorded(
    person, source, alice, boss
):
    from kintrace.registry.models import ConflictState, StatusConflict
    from kintrace.registry.services import (
        conflict_resolve,
        event_create,
        event_update,
    )

    event_create(
        type="killed",
        start=parse_date("10.05.2023"),
        actor=alice,
        persons=[person],
        citations=[source],
    )
    later = event_create(
        type="hospitalised",
        start=parse_date("02.06.2023"),
        actor=boss,
        persons=[person],
        citations=[source],
    )
    assert_entry(Action.PERSON_CONFLICT_OPEN, actor=boss, target=StatusConflict.objects.get())
    conflict_pk = StatusConflict.objects.get().pk
    # Re-dated to before the death, the admission no longer contradicts it.
    event_update(event=later, actor=alice, start=parse_date("02.04.2023"))
    assert_entry(
        Action.PERSON_CONFLICT_GONE,
        actor=alice,
        target_type="registry.statusconflict",
        target_id=conflict_pk,
    )
    event_update(event=later, actor=alice, start=parse_date("02.06.2023"))
    conflict = StatusConflict.objects.get()
    conflict_resolve(conflict=conflict, state=ConflictState.ALIVE_AFTER, actor=boss)
    assert_entry(Action.PERSON_CONFLICT_RESOLVE, actor=boss, target=conflict)


@pytest.mark.audits(Action.DEMO_LOAD)
def test_loading_the_demo_is_recorded(db):
    from kintrace.registry.demo import load_demo

    load_demo(persons=20, facilities=3)
    assert_entry(Action.DEMO_LOAD, actor=None, target_type="registry.demodataset")


# --- cases --------------------------------------------------------------------------------


@pytest.mark.audits(
    Action.CASE_OPEN, Action.CASE_ASSIGN, Action.CASE_NOTE_ADD, Action.CASE_SET_STATUS
)
def test_every_change_to_a_case_is_recorded(person, alice, boss):
    from kintrace.cases.models import CaseStatus, CloseReason
    from kintrace.cases.services import case_assign, case_note_add, case_open, case_set_status

    org_keys_for_tests()
    case, created = case_open(person=person, actor=alice)
    assert created
    assert_entry(Action.CASE_OPEN, actor=alice, target=case)
    case_assign(case=case, assignee=alice, actor=boss)
    assert_entry(Action.CASE_ASSIGN, actor=boss, target=case)
    case_note_add(case=case, text="Звонили в ИК-17", actor=alice)
    assert_entry(Action.CASE_NOTE_ADD, actor=alice, target=case)
    case_set_status(
        case=case, status=CaseStatus.CLOSED, reason=CloseReason.FOUND, actor=boss, shared=True
    )
    assert_entry(Action.CASE_SET_STATUS, actor=boss, target=case)


# --- intake -------------------------------------------------------------------------------


@pytest.fixture
def report(db):
    from tests.intake.helpers import make_report

    report, _receipt = make_report()
    return report


@pytest.mark.audits(Action.REPORT_SUBMIT, Action.REPORTER_DATA_READ, Action.REPORT_REPORTER_ADD)
def test_a_report_its_follow_up_and_a_staff_read_are_recorded(report, alice):
    from kintrace.intake.services import ReporterAccess, report_read, reporter_add

    assert_entry(Action.REPORT_SUBMIT, actor=None, target=report)
    report_read(report=report, org_private=org_keys_for_tests(), actor=alice)
    assert_entry(Action.REPORTER_DATA_READ, actor=alice, target=report)
    from kintrace.intake.services import staff_report_key

    key = staff_report_key(report=report, org_private=org_keys_for_tests())
    reporter_add(access=ReporterAccess(report=report, key=key), text="Он написал в июле")
    assert_entry(Action.REPORT_REPORTER_ADD, actor=None, target=report)


@pytest.mark.audits(
    Action.REPORT_LINK, Action.REPORT_ANSWER, Action.REPORT_MARK_READ, Action.REPORT_CLOSE
)
def test_linking_answering_reading_and_closing_a_report_are_recorded(report, person, alice, boss):
    from kintrace.cases.models import CloseReason
    from kintrace.intake.linking import report_link
    from kintrace.intake.services import report_answer, report_close, report_mark_read

    report_link(report=report, person=person, actor=alice)
    assert_entry(Action.REPORT_LINK, actor=alice, target=report)
    report_answer(report=report, text="Мы ищем.", org_private=org_keys_for_tests(), actor=alice)
    assert_entry(Action.REPORT_ANSWER, actor=alice, target=report)
    report_mark_read(report=report, actor=boss)
    assert_entry(Action.REPORT_MARK_READ, actor=boss, target=report)
    report_close(report=report, reason=CloseReason.ANSWERED, shared=True, actor=boss)
    assert_entry(Action.REPORT_CLOSE, actor=boss, target=report)


@pytest.mark.audits(
    Action.ANTEMORTEM_FROM_REPORT, Action.REMAINS_FAMILY_PREPARE, Action.REMAINS_FAMILY_ANSWER
)
def test_the_relatives_description_and_the_family_review_are_recorded(person, alice):
    from kintrace.intake.models import Report
    from kintrace.intake.services import ReporterAccess, staff_report_key
    from kintrace.registry.services import source_create
    from kintrace.remains.family.services import (
        antemortem_from_report,
        family_review_answer,
        family_review_prepare,
    )
    from kintrace.remains.services import remains_create
    from tests.intake.helpers import make_report

    report, _receipt = make_report(description={"belongings": "крестик"})
    Report.objects.filter(pk=report.pk).update(person=person)
    report.refresh_from_db()
    org = org_keys_for_tests()
    antemortem_from_report(report=report, org_private=org, actor=alice)
    assert_entry(Action.ANTEMORTEM_FROM_REPORT, actor=alice, target=person)
    source = source_create(kind="official_list", title="Список", actor=None)
    grave = remains_create(actor=None, kind="grave", source=source, belongings=["крестик"])
    review = family_review_prepare(
        remains=grave, report=report, keys=["belonging-0"], note="", org_private=org, actor=alice
    )
    assert_entry(Action.REMAINS_FAMILY_PREPARE, actor=alice, target=review)
    key = staff_report_key(report=report, org_private=org)
    family_review_answer(
        access=ReporterAccess(report=report, key=key), review=review, answer="unsure", text=""
    )
    assert_entry(Action.REMAINS_FAMILY_ANSWER, actor=None, target=review)


# --- lists --------------------------------------------------------------------------------

LIST_CSV = (
    "ФИО;Дата рождения;Учреждение\n"
    "Иванов Александр Сергеевич;14.03.1987;ИК-17\n"
    "Петров Пётр Петрович;1990;ИК-2\n"
    "Сидоров Василий Иванович;05.1979;ИК-6\n"
).encode()


@pytest.fixture
def uploaded(alice):
    from kintrace.lists.services import list_upload

    pl, _table = list_upload(data=LIST_CSV, kind="hospital", title="ВГ, май 2023", actor=alice)
    return pl


@pytest.fixture
def imported(uploaded, alice):
    from kintrace.lists.services import list_import_start

    return list_import_start(
        person_list=uploaded, mapping=uploaded.mapping, actor=alice, background=False
    )


@pytest.mark.audits(Action.LIST_UPLOAD, Action.LIST_HEADER_ROW, Action.LIST_DISCARD)
def test_uploading_choosing_the_header_and_discarding_a_list_are_recorded(uploaded, alice, boss):
    from kintrace.lists.services import list_discard, list_set_header_row

    assert_entry(Action.LIST_UPLOAD, actor=alice, target=uploaded)
    list_set_header_row(person_list=uploaded, header_row=0, actor=boss)
    assert_entry(Action.LIST_HEADER_ROW, actor=boss, target=uploaded)
    pk = uploaded.pk
    list_discard(person_list=uploaded, actor=boss)
    assert_entry(Action.LIST_DISCARD, actor=boss, target_type="lists.personlist", target_id=pk)


@pytest.mark.audits(Action.LIST_IMPORT_START, Action.LIST_IMPORT)
def test_importing_a_list_is_recorded_when_started_and_when_done(imported, alice):
    assert_entry(Action.LIST_IMPORT_START, actor=alice, target=imported)
    assert_entry(Action.LIST_IMPORT, actor=alice, target=imported)


@pytest.fixture
def matched(imported, person, alice):
    from kintrace.lists.services import match_run
    from kintrace.registry.services import person_create

    petrov = person_create(name="Петров Пётр Петрович", birth=parse_date("1990"), actor=alice)
    match_run(person_list=imported, actor=alice, threshold=0.5)
    return imported, person, petrov


@pytest.mark.audits(
    Action.LIST_MATCH,
    Action.LIST_MATCH_CONFIRM,
    Action.LIST_MATCH_REJECT,
    Action.LIST_MATCH_SKIP,
    Action.LIST_ENTRY_NEW_PERSON,
)
def test_a_match_run_and_every_review_decision_are_recorded(matched, alice, boss):
    from kintrace.lists.models import ListEntry, MatchCandidate
    from kintrace.lists.services import (
        candidate_confirm,
        candidate_reject,
        candidate_skip,
        entry_create_person,
    )

    pl, ivanov, petrov = matched
    assert_entry(Action.LIST_MATCH, actor=alice, target=pl)
    first = MatchCandidate.objects.get(entry__person_list=pl, person=ivanov)
    second = MatchCandidate.objects.get(entry__person_list=pl, person=petrov)
    candidate_skip(candidate=first, actor=boss)
    assert_entry(Action.LIST_MATCH_SKIP, actor=boss, target=first)
    candidate_confirm(candidate=first, actor=alice)
    assert_entry(Action.LIST_MATCH_CONFIRM, actor=alice, target=first)
    candidate_reject(candidate=second, actor=boss)
    assert_entry(Action.LIST_MATCH_REJECT, actor=boss, target=second)
    entry = ListEntry.objects.get(person_list=pl, line=4)
    entry_create_person(entry=entry, actor=alice)
    assert_entry(Action.LIST_ENTRY_NEW_PERSON, actor=alice, target=entry)


@pytest.mark.audits(Action.REMAINS_IMPORT)
def test_importing_a_burial_list_is_recorded_on_its_source(alice, source):
    from kintrace.remains.services import remains_import

    created = remains_import(
        rows=[{"plot": "мог. 4", "token_text": "К-213456"}],
        kind="grave",
        source=source,
        region=None,
        filename="burials.csv",
        actor=alice,
    )
    entry = assert_entry(Action.REMAINS_IMPORT, actor=alice, target=source)
    assert entry.after["remains"] == [created[0].pk]


@pytest.mark.audits(Action.LIST_IMPORT_CANCEL, Action.LIST_MATCH_CANCEL)
def test_cancelling_an_import_and_a_match_run_are_recorded(imported, uploaded, alice, boss):
    from kintrace.lists import background
    from kintrace.lists.models import JobStatus, MatchRun, PersonList
    from kintrace.lists.services import list_import_cancel, list_upload, match_run_cancel
    from kintrace.lists.services.matching import _new_run

    run = _new_run(person_list=imported, threshold=0.5)  # as match_start leaves it
    match_run_cancel(run=run, actor=boss)
    assert_entry(Action.LIST_MATCH_CANCEL, actor=boss, target=run)
    assert MatchRun.objects.filter(pk=run.pk).exists()
    # An import running in this process is asked to stop.
    running, _t = list_upload(data=LIST_CSV + b"x;1990;\n", kind="hospital", title="t", actor=alice)
    PersonList.objects.filter(pk=running.pk).update(
        status=JobStatus.RUNNING, heartbeat_at=timezone.now(), **background.identity()
    )
    background.claim(PersonList, running.pk)
    try:
        assert list_import_cancel(person_list=running, actor=boss) == "stopping"
    finally:
        background.release(PersonList, running.pk)
    assert_entry(Action.LIST_IMPORT_CANCEL, actor=boss, target=running)


@pytest.mark.audits(Action.LIST_IMPORT_STALE, Action.LIST_MATCH_STALE)
def test_jobs_whose_process_is_gone_are_failed_and_recorded(imported, uploaded, alice):
    from kintrace.lists import background
    from kintrace.lists.models import JobStatus, MatchRun, PersonList
    from kintrace.lists.services import jobs_reap_stale, list_upload
    from kintrace.lists.services.matching import _new_run

    old = timezone.now() - timedelta(days=1)
    run = _new_run(person_list=imported, threshold=0.5)
    stuck, _t = list_upload(data=LIST_CSV + b"y;1991;\n", kind="hospital", title="t", actor=alice)
    elsewhere = {**background.identity(), "worker_host": "gone.example"}
    for model, pk in ((MatchRun, run.pk), (PersonList, stuck.pk)):
        model.objects.filter(pk=pk).update(status=JobStatus.RUNNING, heartbeat_at=old, **elsewhere)
    assert jobs_reap_stale() == 2
    assert_entry(Action.LIST_MATCH_STALE, actor=None, target=run)
    assert_entry(Action.LIST_IMPORT_STALE, actor=None, target=stuck)


# --- registry duplicates and merges ---------------------------------------------------------


@pytest.fixture
def twins(alice):
    from kintrace.registry.services import person_create

    born = parse_date("14.03.1987")
    return [
        person_create(name=name, birth=born, actor=alice)
        for name in (
            "Иванов Александр Сергеевич",
            "Иванов Саша Сергеевич",
            "Ivanov Aleksandr Sergeevich",
        )
    ]


@pytest.mark.audits(
    Action.REGISTRY_DEDUPE,
    Action.REGISTRY_DUPLICATE_SKIP,
    Action.REGISTRY_DUPLICATE_REJECT,
    Action.REGISTRY_DUPLICATE_MERGE,
    Action.PERSON_MERGE,
    Action.PERSON_FOLD,
    Action.PERSON_MERGE_UNDO,
    Action.PERSON_UNFOLD,
)
def test_the_duplicate_search_its_decisions_a_merge_and_its_undo_are_recorded(twins, alice, boss):
    from kintrace.lists.models import DuplicateCandidate, Merge
    from kintrace.lists.services import dedupe_run, duplicate_decide, merge_undo

    run = dedupe_run(actor=alice, threshold=0.5)
    assert_entry(Action.REGISTRY_DEDUPE, actor=alice, target=run)
    pairs = list(DuplicateCandidate.objects.order_by("pk"))
    assert len(pairs) >= 2, pairs
    duplicate_decide(candidate=pairs[0], decision="skip", actor=boss)
    assert_entry(Action.REGISTRY_DUPLICATE_SKIP, actor=boss, target=pairs[0])
    duplicate_decide(candidate=pairs[1], decision="reject", actor=alice)
    assert_entry(Action.REGISTRY_DUPLICATE_REJECT, actor=alice, target=pairs[1])
    merge = duplicate_decide(candidate=pairs[0], decision="merge", actor=boss)
    assert isinstance(merge, Merge)
    assert_entry(Action.PERSON_MERGE, actor=boss, target=merge)
    fold = assert_entry(Action.PERSON_FOLD, actor=boss, target=merge.merged)
    assert fold.after["merged_into"] == merge.survivor_id
    assert_entry(Action.REGISTRY_DUPLICATE_MERGE, actor=boss, target=pairs[0])
    merge_undo(merge=merge, actor=alice)
    assert_entry(Action.PERSON_MERGE_UNDO, actor=alice, target=merge)
    unfold = assert_entry(Action.PERSON_UNFOLD, actor=alice, target=merge.merged)
    assert unfold.after == {"merged_into": None}


@pytest.mark.django_db(transaction=True)
@pytest.mark.audits(Action.REGISTRY_DEDUPE_START)
def test_starting_the_duplicate_search_in_the_background_is_recorded(make_staff):
    from kintrace.lists.services import dedupe_start

    actor = make_staff("coordinator", username="boss")
    run = dedupe_start(actor=actor, threshold=0.8)
    assert_entry(Action.REGISTRY_DEDUPE_START, actor=actor, target=run)
    for thread in threading.enumerate():
        if thread.name == "registry-dedupe":
            thread.join(120)

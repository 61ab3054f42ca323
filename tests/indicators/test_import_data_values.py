"""Data values from DHIS2 files (contract C5): formats, identifiers, all-or-nothing, idempotence."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from pevcoach.indicators import services
from pevcoach.indicators.models import (
    DataElement,
    DataElementMapping,
    ImportLog,
    ImportStatus,
    MonthlyTotal,
    MonthlyValue,
    YearlyValue,
)
from pevcoach.indicators.services import ImportRejected
from pevcoach.orgunits.services import update_org_unit
from tests.indicators.conftest import csv_text, load


@pytest.fixture
def uids(tree):
    """DHIS2 UIDs on the cast's units, as a tree imported from DHIS2 has."""
    for key, uid in [("K1", "CsComK1xxxx"), ("K2", "CsComK2xxxx"), ("district", "DistrictKxx")]:
        tree[key] = update_org_unit(tree[key], dhis2_uid=uid)
    return tree


def monthly(unit, code, month):
    row = MonthlyValue.objects.filter(org_unit=unit, data_element__code=code, month=month).first()
    return row and row.value


def snapshot():
    return (sorted(MonthlyValue.objects.values_list("org_unit_id", "data_element_id", "month", "value")),
            sorted(YearlyValue.objects.values_list("org_unit_id", "data_element_id", "year", "value")),
            sorted(MonthlyTotal.objects.values_list("org_unit_id", "data_element_id", "month", "value")),
            sorted(DataElementMapping.objects.values_list("dhis2_data_element", "dhis2_category_option_combo")))


SINGLE_SET = {
    "dataSet": "PevMensuel1", "period": "202507", "orgUnit": "CsComK1xxxx", "completeDate": "2025-08-05",
    "dataValues": [
        {"dataElement": "PENTA1", "categoryOptionCombo": "HllvX50cXC0", "value": "42", "storedBy": "agent",
         "created": "2025-08-01T10:00:00.000", "lastUpdated": "2025-08-01T10:00:00.000", "followup": False},
        {"dataElement": "PENTA3", "value": "37", "comment": "RAS"},
        {"dataElement": "RR1", "categoryOptionCombo": "default", "attributeOptionCombo": "HllvX50cXC0",
         "value": "30"},
    ],
}


def test_single_data_value_set_with_uids_and_default_combos(uids):
    log = services.import_data_values(data=json.dumps(SINGLE_SET), name="set.json")
    assert (log.status, log.rows, log.created, log.ignored) == (ImportStatus.SUCCESS, 3, 3, 0)
    assert monthly(uids["K1"], "PENTA1", 202507) == 42 and monthly(uids["K1"], "PENTA3", 202507) == 37
    assert MonthlyTotal.objects.get(org_unit=uids["district"], data_element__code="PENTA1", month=202507).value == 42


def test_bulk_export_with_codes(tree):
    bulk = {"dataValues": [
        {"dataElement": "PENTA1", "period": "202507", "orgUnit": "K1", "value": "12"},
        {"dataElement": "PENTA1", "period": "202508", "orgUnit": "K2", "value": "7"},
        {"dataElement": "POP_SURVIVING_INFANTS", "period": "2025", "orgUnit": "K2", "value": "312.5"},
    ]}
    log = services.import_data_values(data=json.dumps(bulk).encode())
    assert log.created == 3
    assert monthly(tree["K2"], "PENTA1", 202508) == 7
    assert YearlyValue.objects.get(org_unit=tree["K2"]).value == 312.5


def test_several_data_value_sets_in_one_file(tree):
    document = {"dataValueSets": [
        {"period": "202501", "orgUnit": "K1", "dataValues": [{"dataElement": "BCG", "value": "5"}]},
        {"period": "202502", "orgUnit": "K2", "dataValues": [{"dataElement": "BCG", "value": "6"}]},
    ]}
    assert services.import_data_values(data=json.dumps(document)).created == 2
    assert monthly(tree["K2"], "BCG", 202502) == 6


@pytest.mark.parametrize("header", [True, False])
def test_dhis2_csv_with_or_without_header(tree, header):
    log = services.import_data_values(data=csv_text([("PENTA1", "202507", "K1", 9), ("VAA", "202507", "K2", 4)],
                                                     header=header))
    assert log.created == 2 and monthly(tree["K2"], "VAA", 202507) == 4


def test_csv_as_dhis2_writes_it(uids):
    text = ('dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,comment,flwup\n'
            '"PENTA1","202507","CsComK1xxxx","HllvX50cXC0","HllvX50cXC0","42","admin",'
            '"2025-08-05T10:11:12.000+0000","",false\n')
    assert services.import_data_values(data=text.encode("utf-8-sig")).created == 1
    assert monthly(uids["K1"], "PENTA1", 202507) == 42


def test_unknown_data_elements_are_ignored_and_counted(tree):
    rows = [("PENTA1", "202507", "K1", 9), ("DeMalaria01", "202507", "K1", "abc"), ("DeMalaria01", "202508", "K1", 3),
            ("DeOther0001", "202507", "K1", 1)]
    log = services.import_data_values(data=csv_text(rows))
    assert (log.created, log.ignored) == (1, 3)
    assert log.ignored_elements == {"DeMalaria01": 2, "DeOther0001": 1}


def test_our_code_with_another_combo_is_ignored_unless_mapped(tree):
    document = {"dataValues": [{"dataElement": "PENTA1", "categoryOptionCombo": "CocGt1Year0", "period": "202507",
                                "orgUnit": "K1", "value": "4"}]}
    log = services.import_data_values(data=json.dumps(document))
    assert log.ignored_elements == {"PENTA1/CocGt1Year0": 1} and not MonthlyValue.objects.exists()


def test_mapping_file_maps_a_servers_uids(uids):
    mapping = ("dhis2_data_element,dhis2_category_option_combo,code\n"
               "DePenta1xxx,CocLt1Year0,PENTA1\nDePenta3xxx,,PENTA3\n")
    document = {"period": "202507", "orgUnit": "CsComK1xxxx", "dataValues": [
        {"dataElement": "DePenta1xxx", "categoryOptionCombo": "CocLt1Year0", "value": "42"},
        {"dataElement": "DePenta1xxx", "categoryOptionCombo": "CocGt1Year0", "value": "5"},  # not mapped
        {"dataElement": "DePenta3xxx", "categoryOptionCombo": "HllvX50cXC0", "value": "37"},  # empty combo: default
        {"dataElement": "DePenta3xxx", "value": "1", "period": "202508"},  # empty combo: none
    ]}
    log = services.import_data_values(data=json.dumps(document), mapping=mapping)
    assert (log.created, log.ignored, log.ignored_elements) == (3, 1, {"DePenta1xxx/CocGt1Year0": 1})
    assert monthly(uids["K1"], "PENTA1", 202507) == 42 and monthly(uids["K1"], "PENTA3", 202508) == 1
    assert DataElementMapping.objects.count() == 2


def test_a_mapping_to_an_unknown_code_rejects_everything(uids):
    with pytest.raises(ImportRejected) as rejected:
        services.import_data_values(data=csv_text([("PENTA1", "202507", "K1", 9)]),
                                    mapping="DePenta1xxx,,PENTA9\n")
    assert "PENTA9" in rejected.value.errors[0] and "1" in rejected.value.errors[0]
    assert not MonthlyValue.objects.exists() and not DataElementMapping.objects.exists()


BAD_ROWS = [
    ("unknown org unit", ("PENTA1", "202507", "NOWHERE", 3), "NOWHERE"),
    ("bad month", ("PENTA1", "202513", "K2", 3), "202513"),
    ("weekly period", ("PENTA1", "2025W27", "K2", 3), "2025W27"),
    ("month for a yearly element", ("POP_SURVIVING_INFANTS", "202507", "K2", 300), "202507"),
    ("not a number", ("PENTA1", "202507", "K2", "douze"), "douze"),
    ("negative dose count", ("PENTA1", "202507", "K2", -4), "-4"),
    ("half a dose", ("PENTA1", "202507", "K2", 2.5), "2.5"),
    ("empty value", ("PENTA1", "202507", "K2", ""), "PENTA1"),
]


@pytest.mark.parametrize(("case", "bad", "named"), BAD_ROWS, ids=[c for c, _b, _n in BAD_ROWS])
def test_one_bad_row_rejects_the_whole_file_and_changes_nothing(tree, case, bad, named):
    load([("PENTA1", "202506", "K1", 11)])
    before = snapshot()
    rows = [("PENTA1", "202507", "K1", 9), ("PENTA3", "202507", "K1", 8), bad, ("RR1", "202507", "K1", 7)]
    with pytest.raises(ImportRejected) as rejected:
        services.import_data_values(data=csv_text(rows), name="bad.csv")
    assert snapshot() == before
    [error] = rejected.value.errors
    assert error.startswith(("Ligne 4", "Line 4")) and named in error  # the header is line 1
    with translation.override("en"), pytest.raises(ImportRejected) as rejected:
        services.import_data_values(data=csv_text(rows), name="bad.csv")
    assert rejected.value.errors[0].startswith("Line 4: ")
    log = ImportLog.objects.filter(name="bad.csv").first()
    assert log.status == ImportStatus.FAILED and log.errors == rejected.value.errors and log.created == 0


def test_json_errors_name_the_value(tree):
    document = {"dataValues": [{"dataElement": "PENTA1", "period": "202507", "orgUnit": "K1", "value": "3"},
                               {"dataElement": "PENTA1", "period": "2025-07", "orgUnit": "K1", "value": "3"}]}
    with translation.override("en"), pytest.raises(ImportRejected) as rejected:
        services.import_data_values(data=json.dumps(document))
    assert rejected.value.errors == ["Value 2: bad period “2025-07” for PENTA1 (a month is written YYYYMM)."]


def test_every_bad_row_is_listed(tree):
    rows = [("PENTA1", "202507", "X1", 1), ("PENTA1", "202507", "K1", 2), ("PENTA1", "202507", "X2", 1)]
    with translation.override("en"), pytest.raises(ImportRejected) as rejected:
        services.import_data_values(data=csv_text(rows, header=False))
    assert [e.split(":")[0] for e in rejected.value.errors] == ["Line 1", "Line 3"]


@pytest.mark.parametrize("data", ["", "{", '{"rows": []}', "[1, 2]"])
def test_unreadable_files_are_rejected(tree, data):
    with pytest.raises(ImportRejected):
        services.import_data_values(data=data)
    assert not MonthlyValue.objects.exists()


def test_non_default_attribute_combo_is_rejected(tree):
    document = {"dataValues": [{"dataElement": "PENTA1", "period": "202507", "orgUnit": "K1", "value": "3",
                                "attributeOptionCombo": "PartnerXxxx"}]}
    with pytest.raises(ImportRejected) as rejected:
        services.import_data_values(data=json.dumps(document))
    assert "PartnerXxxx" in rejected.value.errors[0]


def test_reimporting_the_same_file_changes_nothing(tree):
    rows = [("PENTA1", "202507", "K1", 9), ("PENTA3", "202507", "K2", 8), ("POP_SURVIVING_INFANTS", "2025", "K1", 250)]
    load(rows)
    before = snapshot()
    totals_ids = sorted(MonthlyTotal.objects.values_list("pk", flat=True))
    log = load(rows)
    assert (log.created, log.updated, log.deleted, log.unchanged) == (0, 0, 0, 3)
    assert snapshot() == before
    assert sorted(MonthlyTotal.objects.values_list("pk", flat=True)) == totals_ids  # not even rewritten


def test_a_newer_value_replaces_the_old_one_and_totals_follow(tree):
    load([("PENTA1", "202507", "K1", 9), ("PENTA1", "202507", "K2", 1)])
    log = load([("PENTA1", "202507", "K1", 12)])
    assert (log.created, log.updated) == (0, 1)
    assert monthly(tree["K1"], "PENTA1", 202507) == 12
    assert MonthlyTotal.objects.get(org_unit=tree["region"], data_element__code="PENTA1", month=202507).value == 13


def test_an_older_dhis2_value_does_not_replace_a_newer_one(tree):
    def value(v, when):
        return {"dataValues": [{"dataElement": "PENTA1", "period": "202507", "orgUnit": "K1", "value": v,
                                "lastUpdated": when}]}

    services.import_data_values(data=json.dumps(value("9", "2025-08-10T08:00:00.000")))
    assert services.import_data_values(data=json.dumps(value("5", "2025-08-01T08:00:00.000"))).updated == 0
    assert services.import_data_values(data=json.dumps(value("7", "2025-08-11T08:00:00.000"))).updated == 1
    assert monthly(tree["K1"], "PENTA1", 202507) == 7


def test_deleted_values_are_removed(tree):
    load([("PENTA1", "202507", "K1", 9), ("PENTA3", "202507", "K1", 4)])
    document = {"dataValues": [
        {"dataElement": "PENTA1", "period": "202507", "orgUnit": "K1", "value": "9", "deleted": True},
        {"dataElement": "PENTA1", "period": "202508", "orgUnit": "K1", "value": "", "deleted": True},  # never there
    ]}
    log = services.import_data_values(data=json.dumps(document))
    assert (log.deleted, log.unchanged) == (1, 1)
    assert monthly(tree["K1"], "PENTA1", 202507) is None
    assert not MonthlyTotal.objects.filter(data_element__code="PENTA1").exists()
    assert MonthlyTotal.objects.filter(data_element__code="PENTA3", org_unit=tree["country"]).exists()


def test_an_admin_upload_may_not_touch_units_outside_its_area(tree):
    from pevcoach.orgunits.models import OrgUnit

    with pytest.raises(ImportRejected) as rejected:
        services.import_data_values(data=csv_text([("PENTA1", "202507", "K1", 1), ("PENTA1", "202507", "B1", 1)]),
                                    allowed_units=OrgUnit.objects.filter(path__startswith=tree["district"].path))
    assert "B1" in rejected.value.errors[0] and not MonthlyValue.objects.exists()


def test_admins_can_add_data_elements(tree):
    DataElement.objects.create(code="HEPB0", kind="doses", period_type="monthly", name_fr="Doses HepB0")
    assert load([("HEPB0", "202507", "K1", 3)]).created == 1


def test_hooks_run_after_commit(tree, django_capture_on_commit_callbacks):
    seen = []
    services.after_import_hooks.append(seen.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            log = load([("PENTA1", "202507", "K1", 9)])
        assert seen == [log]
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(ImportRejected):
            load([("PENTA1", "202507", "NOWHERE", 9)])
        assert seen == [log]
    finally:
        services.after_import_hooks.remove(seen.append)


def test_a_failing_hook_does_not_stop_the_others(tree, django_capture_on_commit_callbacks):
    seen = []

    def broken(log):
        raise RuntimeError("boom")

    services.after_import_hooks.extend([broken, seen.append])
    try:
        with django_capture_on_commit_callbacks(execute=True):
            load([("PENTA1", "202507", "K1", 9)])
        assert len(seen) == 1
    finally:
        services.after_import_hooks.remove(broken)
        services.after_import_hooks.remove(seen.append)


# --- The command -------------------------------------------------------------------------------

def test_command_imports_a_file_and_reports_ignored_elements(tree, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(csv_text([("PENTA1", "202507", "K1", 9), ("DeMalaria01", "202507", "K1", 3)]))
    out = io.StringIO()
    with translation.override("en"):
        call_command("dhis2_import", "--data-values", str(path), stdout=out)
    assert "1 created" in out.getvalue() and "Ignored: 1 value(s)" in out.getvalue()
    assert "DeMalaria01 (1)" in out.getvalue()
    assert ImportLog.objects.get(name="export.csv").ignored_elements == {"DeMalaria01": 1}


def test_command_with_mapping_file(uids, tmp_path):
    (tmp_path / "map.csv").write_text("DePenta1xxx,CocLt1Year0,PENTA1\n")
    (tmp_path / "values.json").write_text(json.dumps({"dataValues": [
        {"dataElement": "DePenta1xxx", "categoryOptionCombo": "CocLt1Year0", "period": "202507",
         "orgUnit": "CsComK1xxxx", "value": "42"}]}))
    call_command("dhis2_import", "--data-values", str(tmp_path / "values.json"), "--mapping",
                 str(tmp_path / "map.csv"), stdout=io.StringIO())
    assert monthly(uids["K1"], "PENTA1", 202507) == 42


def test_command_rejects_a_bad_file_naming_the_row(tree, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(csv_text([("PENTA1", "202507", "K1", 9), ("PENTA1", "202507", "K1", -1)]))
    with translation.override("en"), pytest.raises(CommandError, match="Line 3: the value -1 of PENTA1 is negative"):
        call_command("dhis2_import", "--data-values", str(path), stdout=io.StringIO())
    assert not MonthlyValue.objects.exists()


def test_command_shows_a_progress_bar(tree, tmp_path, monkeypatch):
    from pevcoach.indicators import importer

    monkeypatch.setattr(importer, "PROGRESS_EVERY", 2)
    path = tmp_path / "values.csv"
    path.write_text(csv_text([("PENTA1", f"2025{m:02d}", "K1", m) for m in range(1, 13)]))
    err = io.StringIO()
    call_command("dhis2_import", "--data-values", str(path), "--progress", stdout=io.StringIO(), stderr=err)
    assert "%" in err.getvalue() and "[" in err.getvalue()


def test_command_needs_something_to_do(db):
    with pytest.raises(CommandError):
        call_command("dhis2_import", stdout=io.StringIO())


def test_command_loads_a_mapping_alone(db, tmp_path):
    (tmp_path / "map.csv").write_text("dhis2_data_element,dhis2_category_option_combo,code\n"
                                      "DePenta1xxx,CocLt1Year0,PENTA1\nDeBcgxxxxxx,,BCG\n")
    out = io.StringIO()
    call_command("dhis2_import", "--mapping", str(tmp_path / "map.csv"), stdout=out)
    assert "2" in out.getvalue()
    assert set(DataElementMapping.objects.values_list("dhis2_data_element", "data_element__code")) == {
        ("DePenta1xxx", "PENTA1"), ("DeBcgxxxxxx", "BCG")}
    call_command("dhis2_import", "--mapping", str(tmp_path / "map.csv"), stdout=io.StringIO())  # again: the same
    assert DataElementMapping.objects.count() == 2

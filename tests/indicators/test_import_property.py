"""Property tests of the importers: whatever the file, an import either succeeds or is refused with
reasons, and a refused import changes nothing (contract C5: all or nothing)."""

import json
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pevcoach.indicators import services
from pevcoach.indicators.models import ImportLog, MonthlyValue
from pevcoach.indicators.readers import FileFormatError, read_data_values, read_mapping, read_org_units
from tests.indicators.conftest import csv_text

fuzzy = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
cells = st.text(alphabet=string.printable + "éèçàù\u00a0", max_size=12)


@fuzzy
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_any_bytes_are_read_or_refused_with_a_reason(data):
    for reader in (read_data_values, read_org_units, read_mapping):
        try:
            list(reader(data))
        except FileFormatError as exc:
            assert str(exc)


json_scalar = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | cells
json_values = st.recursive(json_scalar, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(cells, inner, max_size=3), max_leaves=8)
data_value = st.fixed_dictionaries({
    "dataElement": st.sampled_from(["PENTA1", "PENTA3", "BCG", "UNKNOWN1", ""]) | cells,
    "period": st.sampled_from(["202501", "2025", "2025Q1", "202513", ""]) | cells,
    "orgUnit": st.sampled_from(["K1", "K2", "NOPE"]) | cells,
    "value": st.integers(-5, 500).map(str) | json_values,
}, optional={"categoryOptionCombo": cells, "attributeOptionCombo": cells, "deleted": json_scalar,
             "lastUpdated": cells, "storedBy": json_values})


@fuzzy
@given(st.lists(data_value, max_size=6), st.sampled_from(["json", "csv"]))
def test_an_import_is_applied_whole_or_refused_whole(tree, rows, form):
    before = list(MonthlyValue.objects.order_by("pk").values_list("org_unit", "data_element", "month", "value"))
    if form == "json":
        data = json.dumps({"dataValues": rows})
    else:
        data = csv_text([(r["dataElement"], r["period"], r["orgUnit"], r["value"]) for r in rows
                         if all(isinstance(r[k], str) for k in ("dataElement", "period", "orgUnit", "value"))])
    logs = ImportLog.objects.count()
    try:
        log = services.import_data_values(data=data, name="fuzz")
    except services.ImportRejected as exc:
        assert exc.errors and all(isinstance(e, str) and e for e in exc.errors)
        after = list(MonthlyValue.objects.order_by("pk").values_list("org_unit", "data_element", "month", "value"))
        assert after == before  # nothing changed
        assert ImportLog.objects.count() == logs + 1 and exc.log.status == "failed"
    else:
        assert log.succeeded and log.rows == len(rows) if form == "json" else log.succeeded
        again = services.import_data_values(data=data, name="fuzz again")
        assert again.created == again.updated == again.deleted == 0  # re-importing changes nothing


@fuzzy
@given(st.lists(st.fixed_dictionaries({
    "id": st.sampled_from(["MaliRoot001", "RegSikasso1", "DsKadiolo01", "CsCom000001"]) | cells,
    "name": cells, "level": st.integers(-1, 8) | json_scalar,
}, optional={"code": cells, "parent": st.fixed_dictionaries({"id": cells}) | json_scalar,
             "geometry": json_values}), max_size=5))
def test_an_org_unit_file_is_applied_whole_or_refused_whole(db, units):
    from pevcoach.orgunits.models import OrgUnit

    before = list(OrgUnit.objects.order_by("pk").values_list("name", "path"))
    try:
        services.import_org_units(data=json.dumps({"organisationUnits": units}), name="fuzz")
    except services.ImportRejected as exc:
        assert exc.errors
        assert list(OrgUnit.objects.order_by("pk").values_list("name", "path")) == before

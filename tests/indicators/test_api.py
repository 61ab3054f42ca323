"""GET /api/v1/indicator-values (contract C6) and /api/v1/indicator-series, scoped to the caller."""

import pytest

from pevcoach.indicators.catalogue import INDICATORS
from pevcoach.orgunits.services import update_org_unit


def test_values_have_the_contract_shape(api, cast, worked_example):
    response = api("/indicator-values", cast["district_manager"], org_unit="DK", period="2025Q1")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"org_unit", "period", "values"}
    assert (body["org_unit"], body["period"]) == ("DK", "2025Q1")
    assert [v["indicator"] for v in body["values"]] == [i.code for i in INDICATORS]
    values = {v["indicator"]: v for v in body["values"]}
    assert values["COV_PENTA1"] == {"indicator": "COV_PENTA1", "value": 93.75, "numerator": 90, "denominator": 96.0}
    assert values["RED_CAT"]["value"] == 2 and values["DQ_NEG_DOR"]["value"] == 0
    assert values["COV_HPV"]["value"] is None
    assert all(set(v) == {"indicator", "value", "numerator", "denominator"} for v in body["values"])


def test_some_indicators_only_and_the_extra_outlier_flag(api, cast, worked_example):
    body = api("/indicator-values", cast["district_manager"], org_unit="K1", period="202501",
               indicator=["DOR_P1P3", "COV_PENTA1", "DQ_OUTLIER"]).json()
    assert [v["indicator"] for v in body["values"]] == ["DOR_P1P3", "COV_PENTA1", "DQ_OUTLIER"]
    assert body["values"][2]["value"] is None  # no history to judge by


def test_a_unit_by_dhis2_uid(api, cast, worked_example):
    update_org_unit(worked_example["K1"], dhis2_uid="CsComK1xxxx")
    body = api("/indicator-values", cast["coachee"], org_unit="CsComK1xxxx", period="2025").json()
    assert body["org_unit"] == "CsComK1xxxx" and body["values"][1]["value"] == 22.73


def test_coachee_sees_their_own_centre_only(api, cast, worked_example):
    assert api("/indicator-values", cast["coachee"], org_unit="K1", period="202501").status_code == 200
    for unit in ["K2", "DK", "B1"]:
        response = api("/indicator-values", cast["coachee"], org_unit=unit, period="202501")
        assert response.status_code == 404 and "detail" in response.json()


def test_manager_sees_their_subtree(api, cast, worked_example):
    for unit in ["DK", "K1", "K2"]:
        assert api("/indicator-values", cast["district_manager"], org_unit=unit, period="2025").status_code == 200
    assert api("/indicator-values", cast["district_manager"], org_unit="RA", period="2025").status_code == 404
    assert api("/indicator-values", cast["region_manager"], org_unit="B1", period="2025").status_code == 200


def test_outsider_gets_404_for_another_district(api, cast, worked_example):
    response = api("/indicator-values", cast["outsider"], org_unit="K1", period="2025Q1")
    assert response.status_code == 404 and response.json() == {"detail": response.json()["detail"]}
    assert api("/indicator-series", cast["outsider"], org_unit="K1", indicator="COV_PENTA1",
               last="202503").status_code == 404


def test_superuser_sees_everything(api, cast, worked_example):
    assert api("/indicator-values", cast["superuser"], org_unit="RA", period="2025").status_code == 200


def test_anonymous_callers_get_401(api, worked_example):
    assert api("/indicator-values", org_unit="K1", period="2025").status_code == 401


@pytest.mark.parametrize("params", [
    {"org_unit": "K1", "period": "2025-01"},
    {"org_unit": "K1", "period": "202513"},
    {"org_unit": "K1", "period": "2025Q5"},
    {"org_unit": "K1", "period": "2025", "indicator": "NOPE"},
    {"org_unit": "NOWHERE", "period": "2025"},
])
def test_bad_input_is_a_json_400(api, cast, worked_example, params):
    response = api("/indicator-values", cast["superuser"], **params)
    assert response.status_code == 400 and response.json()["detail"]


@pytest.mark.parametrize("params", [{"org_unit": "K1"}, {"period": "2025"}])
def test_missing_parameters_are_a_json_422(api, cast, worked_example, params):
    response = api("/indicator-values", cast["superuser"], **params)
    assert response.status_code == 422 and "detail" in response.json()


def test_series_for_charts(api, cast, worked_example):
    body = api("/indicator-series", cast["coachee"], org_unit="K1", indicator="COV_PENTA1", last="202503",
               months=4).json()
    assert body["indicator"] == "COV_PENTA1" and body["org_unit"] == "K1"
    assert body["values"] == [
        {"period": "202412", "value": None, "numerator": None, "denominator": None},  # no 2024 population
        {"period": "202501", "value": 90.91, "numerator": 20, "denominator": 22.0},
        {"period": "202502", "value": 81.82, "numerator": 18, "denominator": 22.0},
        {"period": "202503", "value": 100.0, "numerator": 22, "denominator": 22.0},
    ]


def test_series_ends_with_the_latest_month_with_data_by_default(api, cast, worked_example):
    body = api("/indicator-series", cast["coachee"], org_unit="K1", indicator="DOR_P1P3").json()
    assert len(body["values"]) == 12 and body["values"][-1]["period"] == "202503"


@pytest.mark.parametrize("params", [
    {"indicator": "NOPE", "last": "202503"},
    {"indicator": "COV_PENTA1", "last": "2025Q1"},
    {"indicator": "COV_PENTA1", "last": "202503", "months": 0},
    {"indicator": "COV_PENTA1", "last": "202503", "months": 500},
])
def test_series_bad_input_is_a_json_400(api, cast, worked_example, params):
    response = api("/indicator-series", cast["superuser"], org_unit="K1", **params)
    assert response.status_code == 400 and response.json()["detail"]


def test_the_catalogue_is_listed(api, cast, db):
    body = api("/indicators", cast["coachee"]).json()
    codes = {i["code"]: i for i in body}
    assert codes["COV_PENTA1"] == {"code": "COV_PENTA1", "kind": "coverage", "label": codes["COV_PENTA1"]["label"],
                                   "direction": "up", "threshold": 80.0, "default": True}
    assert codes["DQ_OUTLIER"]["default"] is False


def test_openapi_documents_the_endpoints(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/indicator-values" in paths and "/api/v1/indicator-series" in paths

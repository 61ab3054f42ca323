"""Pulling from a DHIS2 server through its Web API, against a small local server in DHIS2's shapes."""

import contextlib
import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from pevcoach.indicators import services
from pevcoach.indicators.dhis2 import Dhis2Client, Dhis2Error
from pevcoach.indicators.models import ImportLog, ImportStatus, MonthlyValue
from pevcoach.indicators.services import ImportRejected
from pevcoach.orgunits.models import OrgUnit

TOKEN = "d2pat_testtoken0001"

ROOT = {"id": "MaliRoot001", "name": "Mali", "code": "ML", "level": 1, "path": "/MaliRoot001"}
REGION = {"id": "RegSikasso1", "name": "Sikasso", "level": 2, "path": "/MaliRoot001/RegSikasso1",
          "parent": {"id": "MaliRoot001"}}
CENTRE = {"id": "CsComKad001", "name": "CSCom Kadiolo", "level": 3, "path": "/MaliRoot001/RegSikasso1/CsComKad001",
          "parent": {"id": "RegSikasso1"}, "geometry": {"type": "Point", "coordinates": [-5.64, 10.55]}}
PAGES = [[ROOT, REGION], [CENTRE]]


class Dhis2Stub:
    """Answers /api/40/... like DHIS2: token check, paged org units, dataValueSets; misbehaves on demand."""

    def __init__(self):
        self.requests, self.failures, self.delay = [], [], 0.0
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the stdlib's name
                url = urlsplit(self.path)
                query = parse_qs(url.query)
                stub.requests.append((url.path, query, dict(self.headers)))
                if stub.delay:
                    time.sleep(stub.delay)
                if stub.failures:
                    return self.answer(*stub.failures.pop(0))
                if self.headers.get("Authorization") != f"ApiToken {TOKEN}":
                    return self.answer(401, {"httpStatus": "Unauthorized", "httpStatusCode": 401, "status": "ERROR",
                                             "message": "Unauthorized"})
                if url.path == "/api/40/organisationUnits":
                    page = int(query.get("page", ["1"])[0])
                    return self.answer(200, {"pager": {"page": page, "pageCount": len(PAGES), "total": 3,
                                                       "pageSize": 2}, "organisationUnits": PAGES[page - 1]})
                if url.path == "/api/40/dataValueSets":
                    period = query.get("period", ["202507"])[0]
                    return self.answer(200, {"dataSet": query["dataSet"][0], "period": period,
                                             "orgUnit": query["orgUnit"][0], "dataValues": [
                        {"dataElement": "PENTA1", "categoryOptionCombo": "HllvX50cXC0", "period": period,
                         "orgUnit": "CsComKad001", "value": "42", "storedBy": "x", "lastUpdated": "2025-08-02"},
                        {"dataElement": "DeMalaria01", "period": period, "orgUnit": "CsComKad001", "value": "7"}]})
                return self.answer(404, {"httpStatus": "Not Found", "httpStatusCode": 404, "message": "Not found"})

            def answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up waiting
                    self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def dhis2():
    stub = Dhis2Stub()
    yield stub
    stub.close()


def client(stub, **options):
    return Dhis2Client(stub.url, token=TOKEN, **{"backoff": 0, "timeout": 2, **options})


def test_org_units_are_read_page_by_page_and_imported(db, dhis2):
    log = services.pull_org_units(client(dhis2))
    assert (log.created, log.source) == (3, "server")
    assert [q["page"] for path, q, _h in dhis2.requests] == [["1"], ["2"]]
    assert dhis2.requests[0][2]["Authorization"] == f"ApiToken {TOKEN}"
    assert OrgUnit.objects.get(dhis2_uid="CsComKad001").parent.dhis2_uid == "RegSikasso1"


def test_org_units_under_a_root(db, dhis2):
    services.pull_org_units(client(dhis2), roots=["RegSikasso1"])
    assert dhis2.requests[0][1]["filter"] == ["path:like:RegSikasso1"]


def test_data_values_pull_with_children_and_incremental_window(db, dhis2):
    services.pull_org_units(client(dhis2))
    log = services.pull_data_values(client(dhis2), data_sets=["PevMensuel1"], periods=["202507", "202508"],
                                    last_updated="10d")
    assert (log.created, log.ignored, log.ignored_elements) == (2, 2, {"DeMalaria01": 2})
    data_requests = [q for path, q, _h in dhis2.requests if path.endswith("dataValueSets")]
    assert [q["period"] for q in data_requests] == [["202507"], ["202508"]]
    assert data_requests[0]["children"] == ["true"] and data_requests[0]["lastUpdatedDuration"] == ["10d"]
    assert data_requests[0]["orgUnit"] == ["MaliRoot001"]  # the root of the tree, by default
    assert MonthlyValue.objects.filter(month=202508, value=42).exists()


def test_a_quarter_is_asked_by_dates(db, dhis2):
    services.pull_org_units(client(dhis2))
    services.pull_data_values(client(dhis2), data_sets=["PevMensuel1"], periods=["2025Q3"], roots=["RegSikasso1"])
    _path, query, _headers = dhis2.requests[-1]
    assert (query["startDate"], query["endDate"], query["orgUnit"]) == (["2025-07-01"], ["2025-09-30"],
                                                                       ["RegSikasso1"])


def test_basic_authentication(db, dhis2):
    with pytest.raises(Dhis2Error):  # the stub wants the token
        Dhis2Client(dhis2.url, username="admin", password="district", backoff=0).me()
    assert dhis2.requests[-1][2]["Authorization"].startswith("Basic ")


def test_401_fails_at_once_and_is_logged(db, dhis2):
    with translation.override("en"), pytest.raises(ImportRejected) as rejected:
        services.pull_org_units(Dhis2Client(dhis2.url, token="d2pat_wrong", backoff=0))
    assert "401" in rejected.value.errors[0] and len(dhis2.requests) == 1
    log = ImportLog.objects.get()
    assert log.status == ImportStatus.FAILED and log.name == dhis2.url


def test_409_gives_dhis2s_message(db, dhis2):
    dhis2.failures = [(409, {"httpStatus": "Conflict", "httpStatusCode": 409, "status": "ERROR",
                             "message": "At least one data set must be specified", "errorCode": "E2000"})]
    with pytest.raises(ImportRejected) as rejected:
        services.pull_data_values(client(dhis2), data_sets=["X"], periods=["202507"], roots=["MaliRoot001"])
    assert "409" in rejected.value.errors[0] and "At least one data set" in rejected.value.errors[0]
    assert len(dhis2.requests) == 1 and not MonthlyValue.objects.exists()


def test_server_errors_are_retried_with_backoff(db, dhis2):
    pauses = []
    dhis2.failures = [(503, {"message": "busy"}), (502, {"message": "proxy"})]
    units = Dhis2Client(dhis2.url, token=TOKEN, retries=3, backoff=0.5, sleep=pauses.append).org_units()
    assert len(units) == 3 and pauses == [0.5, 1.0]


def test_a_silent_server_times_out_and_gives_up(db, dhis2):
    dhis2.delay = 0.5
    started = time.monotonic()
    with translation.override("en"), pytest.raises(Dhis2Error, match="did not answer within 0.2 seconds"):
        Dhis2Client(dhis2.url, token=TOKEN, timeout=0.2, retries=2, backoff=0.05).me()
    assert len(dhis2.requests) == 3 and time.monotonic() - started < 3


def test_a_pull_with_a_bad_value_changes_nothing(db, dhis2):
    services.pull_org_units(client(dhis2))
    dhis2.failures = [(200, {"dataValues": [
        {"dataElement": "PENTA1", "period": "202507", "orgUnit": "CsComKad001", "value": "4"},
        {"dataElement": "PENTA3", "period": "202507", "orgUnit": "CsComKad001", "value": "-4"}]})]
    with pytest.raises(ImportRejected) as rejected:
        services.pull_data_values(client(dhis2), data_sets=["PevMensuel1"], periods=["202507"])
    assert "2" in rejected.value.errors[0] and not MonthlyValue.objects.exists()


def test_command_pulls_from_a_server(db, dhis2):
    out = io.StringIO()
    call_command("dhis2_import", "--server", dhis2.url, "--token", TOKEN, "--org-units", stdout=out)
    call_command("dhis2_import", "--server", dhis2.url, "--token", TOKEN, "--data-set", "PevMensuel1",
                 "--period", "202507", "--org-unit", "MaliRoot001", stdout=out)
    assert OrgUnit.objects.count() == 3 and MonthlyValue.objects.get().value == 42
    assert "DeMalaria01 (1)" in out.getvalue()


def test_command_reports_a_refused_token(db, dhis2):
    with pytest.raises(CommandError, match="401"):
        call_command("dhis2_import", "--server", dhis2.url, "--token", "wrong", "--org-units", "--retries", "0",
                     stdout=io.StringIO())

"""A thin client for the parts of the DHIS2 Web API that PEV Coach reads (API version pinned to 40).

Token (`Authorization: ApiToken d2pat_…`) or basic authentication; every request has a
timeout and is retried with exponential backoff when the server times out, cannot be reached
or answers 5xx/429; 401 and other 4xx answers fail at once with DHIS2's own message.
Metadata lists are read page by page; data values one period at a time.
"""

import time

import httpx
from django.utils.translation import gettext as _

from pevcoach.indicators.compute import PeriodError, parse_period

ORG_UNIT_FIELDS = "id,name,code,level,path,parent[id],geometry"


class Dhis2Error(Exception):
    """The server could not be used; the message says why, in the user's words."""


class Dhis2Client:
    def __init__(self, url, *, token=None, username=None, password=None, timeout=30.0, retries=3, backoff=1.0,
                 api_version=40, page_size=500, sleep=time.sleep, transport=None):
        self.base_url = url.rstrip("/")
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"ApiToken {token}"
        self.http = httpx.Client(base_url=f"{self.base_url}/api/{api_version}/", headers=headers,
                                 auth=(username, password or "") if username and not token else None,
                                 timeout=timeout, transport=transport)
        self.timeout, self.retries, self.backoff, self.page_size, self.sleep = (
            timeout, retries, backoff, page_size, sleep)

    def close(self):
        self.http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def get(self, path, params=None):
        """GET a JSON document, retrying what may pass on a second try."""
        problem = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                response = self.http.get(path, params=params)
            except httpx.TimeoutException:
                problem = _("DHIS2 did not answer within %(seconds)s seconds.") % {"seconds": self.timeout}
                continue
            except httpx.TransportError as exc:
                problem = _("DHIS2 could not be reached (%(error)s).") % {"error": exc}
                continue
            if response.status_code == 429 or response.status_code >= 500:
                problem = _("DHIS2 answered %(status)d: %(message)s") % {
                    "status": response.status_code, "message": _message(response)}
                continue
            if response.status_code == 401:
                raise Dhis2Error(_("DHIS2 refused the credentials (401): check the token, or the user name and "
                                   "password, and that they have not expired."))
            if response.status_code >= 400:
                raise Dhis2Error(_("DHIS2 answered %(status)d: %(message)s") % {
                    "status": response.status_code, "message": _message(response)})
            try:
                return response.json()
            except ValueError:
                raise Dhis2Error(_("DHIS2 answered with something else than JSON: is %(url)s a DHIS2 server?")
                                 % {"url": self.base_url}) from None
        raise Dhis2Error(_("%(problem)s Gave up after %(tries)d tries.") % {"problem": problem,
                                                                          "tries": self.retries + 1})

    def me(self):
        """The account the credentials belong to: a cheap check of the credentials."""
        return self.get("me", {"fields": "id,username,organisationUnits[id]"})

    def org_units(self, *, roots=(), progress=None):
        """Every org unit (under `roots`, DHIS2 UIDs, when given), page after page."""
        units = []
        for root in list(roots) or [None]:
            page, page_count = 1, 1
            while page <= page_count:
                params = {"fields": ORG_UNIT_FIELDS, "page": page, "pageSize": self.page_size, "order": "level:asc"}
                if root:
                    params["filter"] = f"path:like:{root}"
                document = self.get("organisationUnits", params)
                units.extend(document.get("organisationUnits") or [])
                page_count = (document.get("pager") or {}).get("pageCount") or 1
                if progress:
                    progress(_("Fetching"), page, page_count)
                page += 1
        return units

    def data_value_sets(self, *, data_sets, org_units, periods=(), last_updated=None, children=True, progress=None):
        """dataValueSets documents, one per period asked (or one for `last_updated` alone, e.g. "10d").

        A month goes as `period=YYYYMM`; a quarter or a year as its start and end dates, so that a
        yearly data set (populations) and the monthly ones are read alike.
        """
        base = [("dataSet", ds) for ds in data_sets] + [("orgUnit", ou) for ou in org_units]
        if children:
            base.append(("children", "true"))
        if last_updated:
            base.append(("lastUpdatedDuration", last_updated))
        requests = [base + _period_params(p) for p in periods] or [base]
        for n, params in enumerate(requests, start=1):
            yield self.get("dataValueSets", params)
            if progress:
                progress(_("Fetching"), n, len(requests))


def _period_params(code):
    try:
        period = parse_period(code)
    except PeriodError:
        raise Dhis2Error(_("“%(value)s” is not a period (YYYYMM, YYYYQn or YYYY).") % {"value": code}) from None
    if len(period.months) == 1:
        return [("period", period.code)]
    first, last = period.months[0], period.months[-1]
    end_day = 31 if last % 100 in (1, 3, 5, 7, 8, 10, 12) else 30
    return [("startDate", f"{first // 100}-{first % 100:02d}-01"),
            ("endDate", f"{last // 100}-{last % 100:02d}-{end_day}")]


def _message(response):
    """DHIS2's own error message when the body is its JSON error, else the start of the body."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or response.reason_phrase
    if isinstance(body, dict):
        return str(body.get("message") or body.get("httpStatus") or body)[:300]
    return str(body)[:300]

"""Reading DHIS2 exports (contract C5) into plain records, before any check against the database.

- dataValueSets JSON: one set (`period`, `orgUnit` on the set, values without them), a bulk
  export (`{"dataValues": [...]}`, each value with its own period and org unit), or several sets
  (`{"dataValueSets": [...]}`).
- DHIS2 CSV: `dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,
  comment,flwup[,deleted]`, with or without its header row.
- organisationUnits JSON: `{"organisationUnits": [...]}` (a metadata export or an API page).
- the mapping CSV: `dhis2_data_element,dhis2_category_option_combo,code`, header optional.

Fields of real exports that PEV Coach does not use (storedBy, created, followup, comment…)
are read past. Whatever is wrong with a single value is left for the importer to name with
its row; only a file that cannot be read at all raises FileFormatError here.
"""

import csv
import io
import json
from typing import NamedTuple

from django.utils.translation import gettext as _

CSV_COLUMNS = ["dataelement", "period", "orgunit", "catoptcombo", "attroptcombo", "value", "storedby",
               "lastupdated", "comment", "flwup", "deleted"]
# Other spellings of the columns seen in exports of various DHIS2 versions.
CSV_ALIASES = {"followup": "flwup", "categoryoptioncombo": "catoptcombo", "attributeoptioncombo": "attroptcombo",
               "data_element": "dataelement", "org_unit": "orgunit"}
MAPPING_COLUMNS = ["dhis2_data_element", "dhis2_category_option_combo", "code"]


class FileFormatError(ValueError):
    """The file is not one of the formats PEV Coach reads."""


class RawValue(NamedTuple):
    row: int  # line of a CSV file, or position of a JSON value (from 1)
    in_csv: bool
    data_element: str
    combo: str
    attribute_combo: str
    period: str
    org_unit: str
    value: str | None
    deleted: bool
    last_updated: str


def where(record) -> str:
    """How messages name a record: its line in a CSV file, its position in a JSON file."""
    if record.in_csv:
        return _("Line %(number)d") % {"number": record.row}
    return _("Value %(number)d") % {"number": record.row}


def decode(data) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _is_json(text):
    return text.lstrip()[:1] in ("{", "[")


def _load_json(text):
    try:
        return json.loads(text)
    except ValueError as exc:
        raise FileFormatError(_("The file is not valid JSON (%(error)s).") % {"error": exc}) from None


def read_data_values(data, *, first_row=1) -> list[RawValue]:
    """Every data value of a DHIS2 JSON or CSV export, in file order."""
    text = decode(data)
    if not text.strip():
        raise FileFormatError(_("The file is empty."))
    if _is_json(text):
        return list(json_values(_load_json(text), first_row=first_row))
    return list(csv_values(text))


def _text(value):
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value)


def _flag(value):
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def json_values(document, *, first_row=1):
    """Values of a dataValueSet, a bulk export or a list of sets; each set's period, org unit and
    attribute combo apply to its values that do not carry their own."""
    if isinstance(document, list):
        sets = [{"dataValues": document}]
    elif isinstance(document, dict) and isinstance(document.get("dataValueSets"), list):
        sets = document["dataValueSets"]
    elif isinstance(document, dict) and isinstance(document.get("dataValues"), list):
        sets = [document]
    elif isinstance(document, dict) and "dataValues" not in document and ("period" in document
                                                                            or "dataSet" in document):
        sets = [{**document, "dataValues": []}]  # DHIS2 answers a set with no values this way
    else:
        raise FileFormatError(_("The JSON file holds no “dataValues” list (a DHIS2 dataValueSets export)."))
    row = first_row
    for data_set in sets:
        if not isinstance(data_set, dict):
            raise FileFormatError(_("The JSON file holds no “dataValues” list (a DHIS2 dataValueSets export)."))
        for value in data_set.get("dataValues") or []:
            row += 1
            if not isinstance(value, dict):
                yield RawValue(row - 1, False, "", "", "", "", "", None, False, "")
                continue
            raw = value.get("value")
            yield RawValue(
                row - 1, False, _text(value.get("dataElement")), _text(value.get("categoryOptionCombo")),
                _text(value.get("attributeOptionCombo", data_set.get("attributeOptionCombo"))),
                _text(value.get("period", data_set.get("period"))),
                _text(value.get("orgUnit", data_set.get("orgUnit"))),
                None if raw is None else _text(raw), _flag(value.get("deleted")), _text(value.get("lastUpdated")),
            )


FIELDS = ("dataelement", "catoptcombo", "attroptcombo", "period", "orgunit", "value", "deleted", "lastupdated")


def csv_values(text):
    columns, first = CSV_COLUMNS, True
    positions = [columns.index(name) for name in FIELDS]
    for number, line in _csv_lines(text):
        if not line or not line[0].strip() and not any(cell.strip() for cell in line):
            continue
        if first:  # a header row is optional: DHIS2 writes one, hand-made extracts often do not
            first = False
            header = [CSV_ALIASES.get(c.strip().lower(), c.strip().lower()) for c in line]
            if "dataelement" in header:
                missing = [c for c in ("dataelement", "period", "orgunit", "value") if c not in header]
                if missing:
                    raise FileFormatError(_("The header row lacks the column(s): %(columns)s.")
                                          % {"columns": ", ".join(missing)})
                columns = header
                positions = [header.index(name) if name in header else len(header) for name in FIELDS]
                continue
        if len(line) <= len(columns):  # short rows and absent columns read as empty cells
            line += [""] * (len(columns) + 1 - len(line))
        element, combo, attribute_combo, period, unit, value, deleted, last_updated = (
            line[i].strip() for i in positions)
        yield RawValue(number, True, element, combo, attribute_combo, period, unit, value,
                       deleted.lower() == "true", last_updated)


def read_org_units(data) -> list[dict]:
    """The units of an organisationUnits export (or a list of units, or a single unit)."""
    text = decode(data)
    if not text.strip():
        raise FileFormatError(_("The file is empty."))
    if not _is_json(text):
        raise FileFormatError(_("Org units come as DHIS2 JSON ({\"organisationUnits\": [...]})."))
    document = _load_json(text)
    if isinstance(document, dict) and isinstance(document.get("organisationUnits"), list):
        return document["organisationUnits"]
    if isinstance(document, list):
        return document
    if isinstance(document, dict) and "id" in document:
        return [document]
    raise FileFormatError(_("The JSON file holds no “organisationUnits” list."))


def _csv_lines(text):
    """(line number, cells) of a CSV text; an unreadable file (a stray carriage return, a NUL byte…) is
    refused, never a crash."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for line in reader:
            yield reader.line_num, line
    except csv.Error as exc:
        raise FileFormatError(_("The CSV file cannot be read (%(error)s).") % {"error": exc}) from None


def read_mapping(data) -> list[tuple[str, str, str, str]]:
    """(where, data element, combo, code) rows of a mapping CSV; the header row is optional."""
    rows = []
    for number, line in _csv_lines(decode(data)):
        if not line or not any(cell.strip() for cell in line):
            continue
        cells = [cell.strip() for cell in line]
        if not rows and cells[0].lower() == MAPPING_COLUMNS[0]:
            continue
        if len(cells) == 2:  # element,code: a mapping without combos
            cells = [cells[0], "", cells[1]]
        cells += ["", "", ""]
        rows.append((_("Line %(number)d") % {"number": number}, cells[0], cells[1], cells[2]))
    return rows

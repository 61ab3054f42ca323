"""Input types shared by the API's schemas, bounded so that no input can reach the database unchecked."""

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import BeforeValidator, WithJsonSchema

# A row id: a positive 64-bit integer (a larger number would overflow the database's integer).
DbId = Annotated[int, Field(ge=1, le=2**63 - 1)]

MEASURE_LIMIT = Decimal("9999999999.99")
MEASURE_TEXT = r"^[+-]?\d{1,10}(\.\d{0,20})?$"


def _measure(value):
    """A number, or its text (forms send text), within what DecimalField(12, 2) holds; kept to the cent."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError("a number is expected")
    if isinstance(value, str) and not re.fullmatch(MEASURE_TEXT, value):
        raise ValueError("a number with at most 10 digits before the decimal point is expected")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError("a number is expected") from None
    if not number.is_finite() or abs(number) > MEASURE_LIMIT:
        raise ValueError(f"a number between -{MEASURE_LIMIT} and {MEASURE_LIMIT} is expected")
    return number.quantize(Decimal("0.01"))


# A measured value (baseline, target): what the schema allows is what the database holds, rounded to
# the cent rather than refused.
Measure = Annotated[Decimal, BeforeValidator(_measure), WithJsonSchema({"anyOf": [
    {"type": "number", "minimum": -float(MEASURE_LIMIT), "maximum": float(MEASURE_LIMIT)},
    {"type": "string", "pattern": MEASURE_TEXT},
]})]


class BoundedPagination(LimitOffsetPagination):
    """limit/offset paging whose numbers stay within what a database query can take."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000)
        offset: int = Field(0, ge=0, le=10_000_000)

"""Coaching records as a pull sends them, written straight from the model rows.

A coach's first pull sends about 1,400 records. Passing each through its API output schema
(django-ninja wraps the row in a getter, pydantic validates every field again) took as long as
reading them from the database, though the rows come back already typed. Here each record is
written field by field in the schema's order, through the schema's own `resolve_*` functions, and
converted to JSON by pydantic's own conversion (`to_jsonable_python`): the same record, from the
same schema, without validating what the database just gave. tests/sync/test_records.py holds
every kind equal to the schema's output.
"""

import functools
import inspect
import operator
import typing

from ninja import Schema
from pydantic_core import to_jsonable_python


@functools.cache
def _readers(schema):
    """[(field name, read(obj))] of an output schema."""
    readers = []
    for name, field in schema.model_fields.items():
        resolve = getattr(schema, f"resolve_{name}", None)
        if resolve is not None:
            if len(inspect.signature(resolve).parameters) != 1:
                raise TypeError(f"{schema.__name__}.resolve_{name} must take the object alone")
            read = resolve
        else:
            read = operator.attrgetter(field.alias or name)
        nested = _listed_schema(field.annotation)
        if nested is not None:
            read = _each(read, nested)
        readers.append((name, read))
    return readers


def _listed_schema(annotation):
    """The schema X of a `list[X]` field, when X is one."""
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation)
        if isinstance(item, type) and issubclass(item, Schema):
            return item
    return None


def _each(read, schema):
    def read_all(obj):
        return [_plain(schema, item) for item in read(obj)]

    return read_all


def _plain(schema, obj):
    return {name: read(obj) for name, read in _readers(schema)}


def record(schema, obj):
    """What `schema.from_orm(obj).model_dump(mode="json")` gives, for a row fresh from the database."""
    return to_jsonable_python(_plain(schema, obj))

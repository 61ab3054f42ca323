"""`field__any_of=[ids]`: the same rows as `__in`, cheaper for the long id lists of national pages.

`__in` writes one placeholder per id, and psycopg parses every query on the client: a list of the
country's 1,500 health centres cost ~30 ms a query before PostgreSQL saw it. `= ANY(%s)` sends the
ids as one array parameter. SQLite has no arrays and no such cost: there it is a plain IN.
"""

from django.db.models import ForeignKey, IntegerField, Lookup


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", [*params, self.rhs]
        if not self.rhs:
            return "1 = 0", params
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", [*params, *self.rhs]


def register():
    IntegerField.register_lookup(AnyOf)  # primary keys (BigAutoField) and plain integers
    ForeignKey.register_lookup(AnyOf)  # `org_unit_id__any_of`, `org_unit__any_of`

"""`__shape`: a text of a fixed shape, checked by the database itself on SQLite and PostgreSQL.

Django's `__regex` becomes `REGEXP` on SQLite, a function only Django's own connections define:
a check constraint using it makes the table unreadable to any other SQLite client (the sqlite3
shell, a backup script). A shape compiles to what each database has built in instead: `GLOB`
on SQLite, a POSIX regular expression (`~`) on PostgreSQL.

The shape's letters: `h` a lower-case hex digit, `A` an upper-case letter; any other character
stands for itself (only `#` is used).
"""

from __future__ import annotations

from django.db.models import CharField, Lookup

_CLASSES = {"h": "[0-9a-f]", "A": "[A-Z]"}


def _pattern(shape: str) -> str:
    for char in shape:
        if char not in _CLASSES and not (char == "#" or char.isdigit()):
            raise ValueError(f"Shapes use only h, A, # and digits, not {char!r}.")
    return "".join(_CLASSES.get(char, char) for char in shape)


@CharField.register_lookup
class Shape(Lookup):
    lookup_name = "shape"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        pattern = _pattern(self.rhs)
        if connection.vendor == "sqlite":
            return f"{lhs} GLOB %s", [*params, pattern]  # GLOB is anchored and case-sensitive
        return f"{lhs} ~ %s", [*params, f"^{pattern}$"]

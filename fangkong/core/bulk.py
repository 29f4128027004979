"""Fast inserts for imports: the rows of one model in one statement stream.

``bulk_create`` compiles every value of every row through the field machinery (about 7 µs a value),
which made it most of a 100,000-row import (docs/benchmarks.md). Here each field's conversion is
chosen once per insert, and the rows go to the database as plain tuples: ``COPY`` on PostgreSQL,
one ``executemany`` on SQLite. The result in the database is the same as ``bulk_create``'s; it
sends no signals and skips ``save()``, like ``bulk_create``.
"""

import datetime

from django.db import connections, models, router

# Field classes whose values reach the database as they are held on the instance (str, int, bool,
# None): used only when a subclass changes neither how a value is prepared nor how it is saved.
PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.AutoField,
    models.BigAutoField,
)
# The same, for PostgreSQL: psycopg sends dates and aware datetimes itself.
POSTGRES_PLAIN_FIELDS = (*PLAIN_FIELDS, models.DateField)


def insert(objects, using=None):
    """Insert unsaved instances of one model and set their primary keys. Returns the objects."""
    objects = list(objects)
    if not objects:
        return objects
    model = type(objects[0])
    using = using or router.db_for_write(model)
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objects:
                if getattr(obj, field.attname) is None:
                    setattr(obj, field.attname, field.pre_save(obj, add=True))
    attnames = [field.attname for field in fields]
    rows = ([getattr(obj, name) for name in attnames] for obj in objects)
    ids = insert_values(model, fields, rows, len(objects), using)
    pk = model._meta.pk.attname
    for obj, new_id in zip(objects, ids, strict=True):
        setattr(obj, pk, new_id)
        obj._state.adding = False
        obj._state.db = using
    return objects


def insert_values(model, fields, rows, count, using=None):
    """Insert ``count`` rows of Python values (one per field, in order); returns the new ids, in order."""
    using = using or router.db_for_write(model)
    connection = connections[using]
    table, quoted, rows = _prepared(model, fields, rows, connection)
    pk_column = model._meta.pk.column
    # The raw COPY below is not behind Django's cursor wrapper: this makes a unique violation raise
    # django.db.IntegrityError there too, which callers catch (an import falls back to row by row).
    with connection.wrap_database_errors, connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Ids from the table's own sequence first, so they are known without RETURNING.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, pk_column, count],
            )
            ids = [row[0] for row in cursor.fetchall()]
            copy_sql = f"COPY {table} ({connection.ops.quote_name(pk_column)}, {quoted}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for new_id, values in zip(ids, rows, strict=True):
                    copy.write_row((new_id, *values))
            return ids
        cursor.executemany(_insert_sql(table, quoted, fields), rows)
        # SQLite lets one writer in at a time and AUTOINCREMENT counts up: these rows have the last ids.
        cursor.execute("SELECT last_insert_rowid()")
        last = cursor.fetchone()[0]
        return list(range(last - count + 1, last + 1))


def insert_rows(model, fields, rows, using=None):
    """Insert rows of Python values (one per field, in order) whose ids nobody needs, such as change-log
    entries: a single row in one INSERT (a save's entry: one round trip, no ORM compilation), more in
    one COPY on PostgreSQL or one executemany on SQLite."""
    rows = list(rows)
    if not rows:
        return
    using = using or router.db_for_write(model)
    connection = connections[using]
    many = len(rows) > 1
    table, quoted, rows = _prepared(model, fields, rows, connection)
    with connection.wrap_database_errors, connection.cursor() as cursor:
        if not many:
            cursor.execute(_insert_sql(table, quoted, fields), next(iter(rows)))
        elif connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for values in rows:
                    copy.write_row(values)
        else:
            cursor.executemany(_insert_sql(table, quoted, fields), rows)


def _prepared(model, fields, rows, connection):
    """The quoted table and columns, and the rows with each field's conversion chosen once."""
    converters = [_converter(field, connection) for field in fields]
    if any(converters):
        rows = (
            [value if convert is None else convert(value) for value, convert in zip(values, converters, strict=True)]
            for values in rows
        )
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    return table, quoted, rows


def _insert_sql(table, quoted, fields):
    placeholders = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})"


def _converter(field, connection):
    plain = POSTGRES_PLAIN_FIELDS if connection.vendor == "postgresql" else PLAIN_FIELDS
    if isinstance(field, models.ForeignKey):
        return _converter(field.target_field, connection) if not field.target_field.primary_key else None
    base = next((cls for cls in plain if isinstance(field, cls)), None)
    if base is not None and _keeps_values_of(field, base):
        return None
    if connection.vendor == "sqlite" and type(field) is models.DateField:
        return _iso_date

    def convert(value):
        return field.get_db_prep_save(value, connection)

    return convert


def _keeps_values_of(field, base):
    cls = type(field)
    return all(
        getattr(cls, method) is getattr(base, method)
        for method in ("get_prep_value", "get_db_prep_value", "get_db_prep_save")
    )


def _iso_date(value):
    return value.isoformat() if isinstance(value, datetime.date) else value

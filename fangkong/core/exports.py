"""Streaming exports of a filtered list: memory stays flat however many rows there are."""

import contextlib
import csv
import datetime

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import StreamingHttpResponse
from django.utils import timezone
from django_tables2 import A, Column, ManyToManyColumn
from django_tables2 import utils as tables2_utils
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.rows import BoundRow

from .cells import csv_value
from .xlsx import XLSX_CONTENT_TYPE, xlsx_stream

CHUNK = 2000
FORMATS = ("csv", "xlsx")


def _remember_signatures():
    """django-tables2 inspects a render/value method's signature for every cell it renders: most of an
    export's time (docs/benchmarks.md, "The register at city scale"). A function's signature never
    changes, so read it once per function."""
    uncached = tables2_utils.signature
    if getattr(uncached, "remembered", False):
        return
    known = {}

    def signature(fn):
        key = (getattr(fn, "__func__", fn), hasattr(fn, "__self__"))
        try:
            return known[key]
        except TypeError:  # not hashable: not remembered
            return uncached(fn)
        except KeyError:
            result = uncached(fn)
        if len(known) < 10_000:
            known[key] = result
        return result

    signature.remembered = True
    tables2_utils.signature = signature


_remember_signatures()


def export_columns(table_class):
    table = table_class([])
    return [
        (column.name, str(column.header)) for column in table.columns if column.name not in table_class.not_exported
    ]


def iter_rows(queryset, table_class):
    """Table-rendered cell values, read in key order one chunk at a time."""
    names = [name for name, _header in export_columns(table_class)]
    last_pk = None
    queryset = queryset.order_by("pk")
    while True:
        chunk_qs = queryset if last_pk is None else queryset.filter(pk__gt=last_pk)
        chunk = list(chunk_qs[:CHUNK])
        if not chunk:
            return
        table = table_class(chunk)
        readers = [(name, cell_reader(table, table.columns[name])) for name in names]
        for row in table.rows:
            record = row.record
            yield [plain(read(record) if read else row.get_cell_value(name)) for name, read in readers]
        last_pk = chunk[-1].pk


CELL_ARGUMENTS = frozenset({"value", "record", "column", "bound_column", "table"})


def cell_reader(table, bound_column):
    """A function of the record giving what django-tables2's ``BoundRow.get_cell_value`` gives for
    this column, or None where only the table's own path will do.

    ``get_cell_value`` works out again for every cell how to read it (the accessor, choices, which
    method to call with which arguments): 60-70 µs a cell, most of an export's time. The answers
    are the same for every row of a column, so they are found once here.
    """
    column, accessor = bound_column.column, A(bound_column.accessor)
    model = table._meta.model
    if (
        model is None
        or isinstance(column, ManyToManyColumn | BaseLinkColumn)
        or accessor.SEPARATOR != A.SEPARATOR
        or accessor.callable_args
        or accessor.callable_kwargs
    ):
        return None
    value_fn = bound_column.value
    plain_column = type(column).value is Column.value and type(column).render is Column.render
    if plain_column and getattr(value_fn, "__func__", None) is Column.value:
        value_fn, arguments = None, ()
    else:
        arguments, catch_all = tables2_utils.signature(value_fn)
        if catch_all or not CELL_ARGUMENTS.issuperset(arguments):
            return None
    resolve = _resolver(model, accessor.bits)
    empty = column.empty_values

    def read(record):
        if type(record) is not model:
            return _slow_cell(table, record, bound_column)
        value = resolve(record)
        if value in empty:
            return None
        if value_fn is None:
            return value
        available = {"value": value, "record": record, "column": column, "bound_column": bound_column, "table": table}
        return value_fn(**{name: available[name] for name in arguments})

    return read


def _slow_cell(table, record, bound_column):
    return BoundRow(record, table=table).get_cell_value(bound_column.name)


def _resolver(model, bits):
    """Accessor.resolve for a model instance, with the model's choices shown by their labels."""
    *path, last = bits
    for bit in path:
        try:
            field = model._meta.get_field(bit)
        except FieldDoesNotExist:
            model = None
            break
        if not (field.many_to_one or field.one_to_one):
            model = None
            break
        model = field.related_model
    shows_label = False
    if model is not None:
        with contextlib.suppress(FieldDoesNotExist):
            shows_label = bool(getattr(model._meta.get_field(last), "choices", None))

    def resolve(record):
        try:
            current = record
            for bit in path:
                current = _step(current, bit)
                if current is None:
                    return None
            if shows_label and isinstance(current, models.Model):
                return getattr(current, f"get_{last}_display")()
            return _step(current, last)
        except Exception:  # as get_cell_value: a failed lookup is an empty cell
            return None

    return resolve


def _step(current, bit):
    current = getattr(current, bit)
    if callable(current) and not getattr(current, "do_not_call_in_templates", False):
        if getattr(current, "alters_data", False):
            raise ValueError(bit)
        current = current()
    return current


def plain(value):
    """A value both csv and openpyxl take: numbers and dates as they are, the rest as text."""
    if value is None or isinstance(value, bool | int | float | datetime.date):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return timezone.localtime(value).replace(tzinfo=None)
        return value
    return str(value)


class _Echo:
    def write(self, value):
        return value


def export_filename(basename, fmt):
    return f"{basename}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"


def reporting(rows, progress):
    """The rows, telling ``progress`` how many went by after each chunk (a background export)."""
    done = 0
    for done, values in enumerate(rows, start=1):
        yield values
        if done % CHUNK == 0:
            progress(done)
    progress(done)


def export_response(queryset, table_class, basename, fmt, progress=None):
    """The filtered rows as a download that streams from the first row: nothing is built whole,
    in memory or on disk, so a million rows start at once and keep memory flat."""
    filename = export_filename(basename, fmt)
    headers = [header for _name, header in export_columns(table_class)]
    rows = iter_rows(queryset, table_class)
    if progress is not None:
        rows = reporting(rows, progress)
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff"  # Excel needs the BOM to read UTF-8 Chinese
            yield writer.writerow([csv_value(header) for header in headers])
            for values in rows:
                yield writer.writerow([csv_value(value) for value in values])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(xlsx_stream(headers, rows, basename), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

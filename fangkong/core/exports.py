"""Streaming exports of a filtered list: memory stays flat however many rows there are."""

import csv
import datetime
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django_tables2 import utils as tables2_utils
from openpyxl import Workbook

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
    columns = export_columns(table_class)
    last_pk = None
    queryset = queryset.order_by("pk")
    while True:
        chunk_qs = queryset if last_pk is None else queryset.filter(pk__gt=last_pk)
        chunk = list(chunk_qs[:CHUNK])
        if not chunk:
            return
        table = table_class(chunk)
        for row in table.rows:
            yield [plain(row.get_cell_value(name)) for name, _header in columns]
        last_pk = chunk[-1].pk


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


def export_response(queryset, table_class, basename, fmt):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{basename}-{stamp}.{fmt}"
    headers = [header for _name, header in export_columns(table_class)]
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff"  # Excel needs the BOM to read UTF-8 Chinese
            yield writer.writerow(headers)
            for values in iter_rows(queryset, table_class):
                yield writer.writerow(values)

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(basename[:31])
    sheet.append(headers)
    for values in iter_rows(queryset, table_class):
        sheet.append(values)
    spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )

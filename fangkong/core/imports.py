"""Bulk imports from a spreadsheet: read, match the headers, check every row, preview, then commit.

An importer is declared once per use (fangkong/areas/imports.py is the first):

    class GridImporter(Importer):
        model = Area                 # its roles decide who may import (for ``action``, ADD by default)
        columns = [Column("village", ("村代码", "village code")), Column("name", ("网格名称", "grid name"))]
        unique = ("village", "name")  # a repeat inside one file is an error naming the first row
        area_column = "village"       # the cleaned Area of every row must be in the user's scope

        def clean_row(self, values): ...   # {column: cell} -> cleaned dict, or ValidationError({column: msg})
        def write_row(self, cleaned): ...  # -> Outcome.CREATED, UPDATED or UNCHANGED

    GridImporter(user).preview(path)                        # checks every row, writes nothing
    GridImporter(user).commit(path, all_or_nothing=False)   # one transaction, change log source "import"

Rows stream through one at a time and only the first ``preview_rows`` rows and the rows with errors
are kept, so a 100,000-row file costs little memory. Row numbers are the sheet's own, as the user
sees them in Excel: with the header in row 1 the first record is row 2.
"""

import abc
import copy
import csv
import io
import json
import os
import posixpath
import re
import subprocess
import sys
import unicodedata
import uuid
import zipfile
import zlib
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from xml.parsers import expat

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import column_index_from_string, get_column_letter
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

from . import scope
from .cells import openpyxl_row, whole_number
from .context import Source, change_context, current
from .roles import Action

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
EXTENSIONS = ("xlsx", "xls", "csv")
# Title rows ("XX村返乡人员登记表") often sit above the header: look for it this far down.
HEADER_SEARCH_ROWS = 10
ERRORS_HEADER = "错误/Errors"
ZIP_SIGNATURE = b"PK\x03\x04"
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls
# What a sheet may hold before it is read; settings of the same names override them.
LIMITS = {
    "IMPORT_MAX_ROWS": 500_000,
    "IMPORT_MAX_COLUMNS": 200,
    "IMPORT_MAX_CELLS": 10_000_000,
    "IMPORT_MAX_UNCOMPRESSED_BYTES": 400 * 1024 * 1024,
    "IMPORT_MAX_ARCHIVE_ENTRIES": 1000,
    "IMPORT_MAX_COMPRESSION_RATIO": 100,
    "IMPORT_READER_MEMORY_BYTES": 1024 * 1024 * 1024,
    "IMPORT_READER_SECONDS": 60,
}


class ImportFileError(Exception):
    """The file as a whole cannot be imported: not a spreadsheet, too big, or columns missing."""


class Outcome(models.TextChoices):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Column:
    """``name`` keys the cleaned row; ``headers`` are the accepted titles, the first one goes in the template."""

    name: str
    headers: tuple
    required: bool = True

    @property
    def header(self):
        return self.headers[0]


def header_key(text):
    """Headers match whatever their width, case, spacing or required-mark: "村 代码*" is "村代码"."""
    return re.sub(r"[\s*]", "", unicodedata.normalize("NFKC", str(text))).casefold()


def is_blank(cell):
    return cell is None or (isinstance(cell, str) and not cell.strip())


def as_text(value):
    """A cell as text. Codes typed into Excel arrive as numbers: 611022106200.0 -> "611022106200"."""
    if value is None:
        return ""
    return str(whole_number(value)).strip()


def check_size(size):
    limit = getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)
    if size > limit:
        raise ImportFileError(
            _("The file is %(size)s; at most %(limit)s can be imported at once. Split it into smaller files.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )


def not_a_spreadsheet():
    return ImportFileError(_("This file is not a spreadsheet. Upload an Excel workbook (.xlsx or .xls) or a CSV file."))


def limit(name):
    return getattr(settings, name, LIMITS[name])


def damaged():
    return ImportFileError(_("The workbook is damaged. Open it in Excel or WPS and save it again."))


def check_workbook(path):
    """Refuse a workbook that would make its reader exhaust memory or time, before it is read.

    calamine allocates every cell between A1 and the farthest cell at once, and dies (SIGABRT, which
    nothing can catch) if that fails: one cell at XFD1048576 in a 1.6 KB file is 17 billion cells. An
    xlsx is a zip: its parts are unpacked (counting what they really hold, not what their headers
    claim) and its sheets' cell references scanned, within limits. An .xls is read once by a child
    process with a memory limit that reports the sheet's size, so a failure there costs only the child.
    """
    with path.open("rb") as file:
        signature = file.read(len(OLE2_SIGNATURE))
    if signature.startswith(ZIP_SIGNATURE):
        _check_xlsx(path)
    elif signature == OLE2_SIGNATURE:
        _check_xls(path)
    else:
        raise not_a_spreadsheet()


def _check_xlsx(path):
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > limit("IMPORT_MAX_ARCHIVE_ENTRIES"):
                raise ImportFileError(
                    _("This workbook holds %(count)d parts, more than a spreadsheet ever does; it is refused.")
                    % {"count": len(members)}
                )
            names = {member.filename for member in members}
            # calamine tries the other zip formats (xlsb, ods) when a file is not an xlsx; only xlsx is checked.
            if "xl/workbook.xml" not in names or "xl/workbook.bin" in names or "content.xml" in names:
                raise not_a_spreadsheet()
            sheets = _sheet_parts(archive, names)
            budget = limit("IMPORT_MAX_UNCOMPRESSED_BYTES")
            for member in members:
                budget -= _check_part(archive, member, budget, member.filename in sheets)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, expat.ExpatError) as error:
        raise damaged() from error


RELATIONSHIP_TARGET = re.compile(rb"\bTarget\s*=\s*[\"']([^\"']*)[\"']")


def _sheet_parts(archive, names):
    """The parts calamine may read as a sheet: those the workbook's relationships name, and xl/worksheets/."""
    sheets = {name for name in names if name.startswith("xl/worksheets/")}
    if "xl/_rels/workbook.xml.rels" in names:
        with archive.open("xl/_rels/workbook.xml.rels") as file:
            relationships = file.read(CHUNK_BYTES)  # a real one is a few hundred bytes
        for target in RELATIONSHIP_TARGET.findall(relationships):
            target = target.decode("utf-8", "replace")
            joined = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            sheets.update({joined, posixpath.normpath(joined)})
    return sheets


# A start tag of a row or a cell, with its reference when that comes first, as every spreadsheet writes it;
# tags with a namespace prefix are rare, and looking for them costs a third more.
ROW_OR_CELL = re.compile(rb"<(?:c|row)(?=[\s/>])(?: r=\"[A-Za-z]{0,3}(\d{1,9})\")?")
PREFIXED_ROW_OR_CELL = re.compile(rb"<(?:[\w.-]+:)?(?:c|row)(?=[\s/>])(?: r=\"[A-Za-z]{0,3}(\d{1,9})\")?")
WIDE_CELL = re.compile(rb"<(?:[\w.-]+:)?c r=\"([A-Za-z]{2,3})\d")
DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\s[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
REFERENCE = re.compile(r"([A-Za-z]{1,3})?(\d{1,9})?")
CHUNK_BYTES = 1024 * 1024
# No tag of a real sheet comes near: when the last "<" is further back, what follows it is scanned at once.
MAX_TAG_BYTES = 1024 * 1024
ENCRYPTED = 0x1  # a zip part's flag


def _check_part(archive, member, budget, is_sheet):
    """Unpack one part within the budget, checking its compression and, for a sheet, how far its cells
    reach; returns the bytes it really holds."""
    # Read to the end of the compressed data, not to the size the header claims: that may lie. A read
    # unpacks at most CHUNK_BYTES, so the budget is never overrun by more than that.
    if member.flag_bits & ENCRYPTED:
        raise ImportFileError(
            _("The workbook is protected by a password. Remove the password in Excel or WPS and save it again.")
        )
    unbounded = copy.copy(member)
    unbounded.file_size = sys.maxsize
    ratio = limit("IMPORT_MAX_COMPRESSION_RATIO")
    if member.file_size > CHUNK_BYTES and member.file_size > ratio * max(member.compress_size, 1):
        raise packed_too_tightly(ratio)  # as its header says; what it really holds is checked as it is read
    extent = SheetExtent() if is_sheet else None
    size, tail, exact = 0, b"", False
    with archive.open(unbounded) as file:
        while chunk := file.read(CHUNK_BYTES):
            size += len(chunk)
            if size > budget:
                raise ImportFileError(
                    _("This workbook unpacks to more than %(limit)s; split it into smaller files.")
                    % {"limit": filesizeformat(limit("IMPORT_MAX_UNCOMPRESSED_BYTES"))}
                )
            if size > CHUNK_BYTES and size > ratio * max(member.compress_size, 1):
                raise packed_too_tightly(ratio)
            if extent is None or exact:
                continue
            data = tail + chunk
            # Cut before the last "<": a tag is never split between two scans.
            cut = data.rfind(b"<")
            if cut == -1 or len(data) - cut > MAX_TAG_BYTES:
                cut = len(data)
            exact = not extent.scan(data[:cut])
            tail = data[cut:]
    if size != member.file_size:
        raise damaged()
    if extent is not None:
        if not exact:
            exact = not extent.scan(tail)
        if exact:  # rows or cells without a plain reference: let the XML parser place them
            extent = SheetExtent()
            extent.parse(archive, member, size)
        extent.check()
    return size


def packed_too_tightly(ratio):
    return ImportFileError(
        _(
            "A part of this workbook unpacks to more than %(ratio)d times its packed size, which no spreadsheet "
            "does; it is refused. Save it again in Excel or WPS."
        )
        % {"ratio": ratio}
    )


class SheetExtent:
    """How far a sheet's cells reach: the largest row and column of its cells and of its <dimension>."""

    def __init__(self):
        self.rows = self.columns = 0
        self.row = self.column = 0  # where the parser is, for rows and cells without a reference
        self.limits = limit("IMPORT_MAX_ROWS"), limit("IMPORT_MAX_COLUMNS"), limit("IMPORT_MAX_CELLS")

    def reach(self, row, column):
        self.rows, self.columns = max(self.rows, row), max(self.columns, column)

    def reach_reference(self, text):
        """A reference such as "XFD1048576" or a range such as "A1:XFD1048576"; False if it is not one."""
        positions = [parse_reference(part) for part in (text or "").split(":")]
        if None in positions:
            return False
        for position in positions:
            self.reach(*position)
        return True

    def scan(self, data):
        """Scan raw XML; False when a row or cell lacks a leading reference, which only parsing can place."""
        if self.rows == 0 and (dimension := DIMENSION.search(data)):
            self.reach_reference(dimension.group(1).decode("ascii", "replace"))
        prefixed = b":c" in data or b":row" in data
        numbers = (PREFIXED_ROW_OR_CELL if prefixed else ROW_OR_CELL).findall(data)
        if not numbers:
            return True
        if b"" in numbers:
            return False
        self.reach(max(map(int, numbers)), 0)
        wide = set(WIDE_CELL.findall(data)) if b'c r="' in data else ()
        self.reach(0, max((column_index_from_string(letters.decode().upper()) for letters in wide), default=1))
        self.check()
        return True

    def parse(self, archive, member, size):
        parser = expat.ParserCreate()
        parser.StartElementHandler = self.start_element
        parser.StartDoctypeDeclHandler = self.refuse_doctype  # no entities: nothing to expand
        member = copy.copy(member)
        member.file_size = size
        with archive.open(member) as file:
            while chunk := file.read(CHUNK_BYTES):
                parser.Parse(chunk, False)
                self.check()
        parser.Parse(b"", True)

    def start_element(self, name, attributes):
        name = name.rpartition(":")[2]
        if name == "row":
            reference = attributes.get("r")
            self.row = int(reference) if reference and reference.isdigit() else self.row + 1
            self.column = 0
            self.reach(self.row, 0)
        elif name == "c":
            position = parse_reference(attributes.get("r"))
            if position is None or not all(position):
                position = (self.row, self.column + 1)
            self.row, self.column = position
            self.reach(*position)
        elif name == "dimension" and not self.reach_reference(attributes.get("ref")):
            raise damaged()

    @staticmethod
    def refuse_doctype(*args):
        raise damaged()

    def check(self):
        max_rows, max_columns, max_cells = self.limits
        if self.rows > max_rows or self.columns > max_columns or self.rows * self.columns > max_cells:
            raise sheet_too_large(self.rows, self.columns)


def parse_reference(text):
    """(row, column) of a cell reference such as "XFD1048576" ($ signs allowed; 0 for a part left out),
    or None if it is not one."""
    match = REFERENCE.fullmatch((text or "").replace("$", ""))
    if not match or not any(match.groups()):
        return None
    letters, digits = match.groups()
    return int(digits or 0), column_index_from_string(letters.upper()) if letters else 0


def sheet_too_large(rows, columns):
    return ImportFileError(
        _(
            "The sheet reaches row %(rows)d and column %(columns)d; at most %(max_rows)d rows, %(max_columns)d "
            "columns and %(max_cells)d cells can be read. Delete the empty rows and columns after the data, or "
            "split the file, and save it again."
        )
        % {
            "rows": rows,
            "columns": columns,
            "max_rows": limit("IMPORT_MAX_ROWS"),
            "max_columns": limit("IMPORT_MAX_COLUMNS"),
            "max_cells": limit("IMPORT_MAX_CELLS"),
        }
    )


XLS_PROBE = Path(__file__).with_name("xls_probe.py")


def _check_xls(path):
    """calamine reads the .xls in a child process that may use at most IMPORT_READER_MEMORY_BYTES and
    IMPORT_READER_SECONDS, and says how far the sheet reaches; if the child dies, only the child does."""
    try:
        finished = subprocess.run(
            [sys.executable, "-I", str(XLS_PROBE), str(path), str(limit("IMPORT_READER_MEMORY_BYTES"))],
            capture_output=True,
            timeout=limit("IMPORT_READER_SECONDS"),
            check=False,
        )
        report = json.loads(finished.stdout) if finished.returncode == 0 else {}
    except (subprocess.TimeoutExpired, ValueError):
        report = {}
    if report.get("error") == "not a workbook":
        raise not_a_spreadsheet()
    if "rows" not in report:
        raise ImportFileError(
            _("This .xls workbook is too large or too damaged to read. Save it as .xlsx in Excel or WPS and try again.")
        )
    extent = SheetExtent()
    extent.reach(report["rows"], report["columns"])
    extent.check()


def read_rows(path):
    """Every row of the file as a tuple of cell values, row 1 first; a generator, so close it when done."""
    path = Path(path)
    check_size(path.stat().st_size)
    extension = path.suffix.lower().lstrip(".")
    if extension in ("xlsx", "xls"):
        return _workbook_rows(path)
    if extension == "csv":
        return _csv_rows(path)
    raise not_a_spreadsheet()


ACTIVE_TAB = re.compile(rb"<(?:\w+:)?workbookView\b[^>]*?\bactiveTab=\"(\d+)\"")


def _workbook_rows(path):
    """The rows of the sheet an xlsx workbook was saved on (Excel's active tab; an .xls file's first
    worksheet), read by calamine.

    calamine (Rust) reads a sheet about ten times faster than openpyxl's read-only mode: 100,000
    arrival rows in ~1 s instead of ~10 s (docs/benchmarks.md); it also reads the Excel 97-2003
    .xls files that village offices still keep, telling the format by the content, not the name.
    It holds the sheet's cells while the rows are turned into Python one at a time: ``check_workbook``
    bounds that before calamine sees the file.
    """
    check_workbook(path)
    # Opened here, not in the generator, so a bad file is reported before the first row is asked for.
    try:
        with path.open("rb") as file:
            workbook = CalamineWorkbook.from_filelike(file)
        sheets = [index for index, meta in enumerate(workbook.sheets_metadata) if meta.typ == SheetTypeEnum.WorkSheet]
        if not sheets:
            raise ImportFileError(_("The workbook has no worksheet."))
        active = _active_tab(path)
        sheet = workbook.get_sheet_by_index(active if active in sheets else sheets[0])
    except CalamineError as error:
        raise not_a_spreadsheet() from error
    return _sheet_rows(workbook, sheet)


def _active_tab(path):
    try:
        with zipfile.ZipFile(path) as archive:
            match = ACTIVE_TAB.search(archive.read("xl/workbook.xml"))
    except (zipfile.BadZipFile, KeyError):
        return 0
    return int(match.group(1)) if match else 0


def _sheet_rows(workbook, sheet):
    try:
        for cells in sheet.iter_rows():
            # calamine gives "" for an empty cell; the importers, like openpyxl, expect None.
            yield tuple(None if cell == "" else cell for cell in cells)
    except CalamineError as error:
        raise ImportFileError(_("The workbook is damaged. Open it in Excel or WPS and save it again.")) from error
    finally:
        workbook.close()


def is_common_hanzi(character):
    try:
        character.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def decode(data):
    """UTF-8 (with or without BOM) or GBK/GB18030, the two encodings Chinese offices produce."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    # Latin-1 often decodes as GB18030 too, into rare characters; real Chinese text is mostly GB2312's.
    # A sample tells them apart; checking every character of a big file would take seconds.
    wide = list(islice((character for character in text or "" if not character.isascii()), 10_000))
    if text is not None and 2 * sum(map(is_common_hanzi, wide)) >= len(wide):
        return text
    raise ImportFileError(_("The file is neither UTF-8 nor GBK text. Save it as CSV UTF-8 and upload it again."))


def _csv_rows(path):
    data = path.read_bytes()
    # Text has no NUL bytes; a workbook or an image renamed to .csv does.
    if data.startswith(ZIP_SIGNATURE) or b"\x00" in data:
        raise not_a_spreadsheet()
    reader = csv.reader(io.StringIO(decode(data), newline=""))
    return _csv_records(reader)


def _csv_records(reader):
    extent = SheetExtent()
    try:
        for record in reader:
            extent.reach(reader.line_num, len(record))
            extent.check()
            yield record
    except csv.Error as error:
        raise ImportFileError(
            _("Row %(row)d cannot be read as CSV: %(error)s") % {"row": reader.line_num, "error": error}
        ) from error


def workbook_bytes(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(slots=True)
class Row:
    number: int  # the sheet's row number
    index: int  # 1 for the first record
    cells: tuple  # as read, for the error workbook
    values: list  # the importer's columns, in its order
    cleaned: dict = None
    errors: list = field(default_factory=list)  # (column header as in the file, or None; message)
    outcome: str = ""

    @property
    def shown_values(self):
        """The values as the preview shows them: a code typed as a number without its ".0"."""
        return [whole_number(value) for value in self.values]

    @property
    def status(self):
        return "error" if self.errors else "ok"

    @property
    def messages(self):
        return [
            _("Row %(row)d, %(column)s: %(message)s") % {"row": self.number, "column": column, "message": message}
            if column
            else _("Row %(row)d: %(message)s") % {"row": self.number, "message": message}
            for column, message in self.errors
        ]


class ImportResult:
    def __init__(self, headers, column_headers, preview_rows):
        self.headers = [as_text(cell) for cell in headers]  # the file's header row, for the error workbook
        self.column_headers = column_headers  # the importer's columns, titled as in the file
        self.preview_rows = preview_rows
        self.rows = []  # the first preview_rows records and every record with an error, in file order
        self.error_rows = []
        self.total = 0
        self.outcomes = Counter()
        self.committed = False

    def add(self, row):
        if row.errors:
            self.error_rows.append(row)
        elif row.outcome:
            self.outcomes[row.outcome] += 1
        if row.errors or row.index <= self.preview_rows:
            self.rows.append(row)

    def finish(self):
        # Rows that failed while being written arrive after the ones checked later in the file.
        self.rows.sort(key=lambda row: row.number)
        self.error_rows.sort(key=lambda row: row.number)

    def discard_writes(self):
        self.outcomes.clear()
        for row in self.rows:
            row.outcome = ""

    @property
    def errors(self):
        return len(self.error_rows)

    @property
    def valid(self):
        return self.total - self.errors

    @property
    def created(self):
        return self.outcomes[Outcome.CREATED]

    @property
    def updated(self):
        return self.outcomes[Outcome.UPDATED]

    @property
    def unchanged(self):
        return self.outcomes[Outcome.UNCHANGED]

    @property
    def more_rows(self):
        """Whether some valid rows are not shown in the preview."""
        return self.total > len(self.rows)

    def summary(self):
        return {
            "total": self.total,
            "valid": self.valid,
            "errors": self.errors,
            "committed": self.committed,
            **{outcome: self.outcomes[outcome] for outcome in Outcome.values},
        }

    def error_workbook(self):
        """The rows with errors as they were, plus why: fix them in this file and upload it again."""
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        width = len(self.headers)
        sheet.append(openpyxl_row(sheet, [*self.headers, ERRORS_HEADER]))
        for row in self.error_rows:
            cells = list(row.cells[:width]) + [None] * (width - len(row.cells))
            sheet.append(openpyxl_row(sheet, [*cells, "\n".join(row.messages)]))
        return workbook_bytes(workbook)


class Importer(abc.ABC):
    """One kind of import; an instance serves one run (one preview or one commit) for one user."""

    model = None
    action = Action.ADD
    columns = ()
    unique = ()
    area_column = None
    filename = "import"  # downloads are named <filename>-template.xlsx
    preview_rows = 200
    batch_size = 500
    # Set by a background job (fangkong.core.jobs): called with the rows read so far after every batch.
    progress = None

    def __init__(self, user):
        self.user = user
        self.column_names = [column.name for column in self.columns]
        self.by_key = {header_key(header): column for column in self.columns for header in column.headers}
        self.found = {}  # column name -> its index in the file's rows
        self.labels = {column.name: column.header for column in self.columns}  # ... and its title there
        self.in_scope = {}  # area path -> whether the user may act there

    @classmethod
    def dotted_name(cls):
        """Binds a stored upload to the importer it was previewed with."""
        return f"{cls.__module__}.{cls.__qualname__}"

    @abc.abstractmethod
    def clean_row(self, values):
        """``values`` maps column names to stripped cells (None when empty); required ones are filled.
        Return the cleaned row, or raise ValidationError({column name: message})."""

    @abc.abstractmethod
    def write_row(self, cleaned):
        """Write one checked row and return its Outcome; raise ValidationError if it cannot be written."""

    def write_rows(self, rows):
        """Write a batch of checked rows, setting each one's outcome or errors. Override for bulk inserts."""
        for row in rows:
            try:
                with transaction.atomic():  # a savepoint: a row that fails leaves the others written
                    row.outcome = self.write_row(row.cleaned)
            except ValidationError as error:
                self.add_validation_error(row, error)

    def preview(self, path):
        return self.run(path, write=False)

    def commit(self, path, all_or_nothing=False):
        with (
            change_context(Source.IMPORT, user=self.user, request_id=current().request_id),
            transaction.atomic(),
        ):
            result = self.run(path, write=True, all_or_nothing=all_or_nothing)
            if all_or_nothing and result.errors:
                transaction.set_rollback(True)
                result.discard_writes()
            else:
                result.committed = True
        return result

    def run(self, path, write, all_or_nothing=False):
        with closing(read_rows(path)) as rows:
            header_number, headers = self.find_header(rows)
            result = ImportResult(headers, [self.labels[name] for name in self.column_names], self.preview_rows)
            seen = {}
            batch = []
            for number, cells in enumerate(rows, start=header_number + 1):
                if all(is_blank(cell) for cell in cells):
                    continue
                result.total += 1
                row = Row(number, result.total, cells, [self.cell(cells, name) for name in self.column_names])
                self.check(row, seen)
                if row.errors or not write:
                    result.add(row)
                    continue
                batch.append(row)
                if len(batch) >= self.batch_size:
                    self.flush(batch, result, all_or_nothing)
                    batch = []
            self.flush(batch, result, all_or_nothing)
        result.finish()
        return result

    def find_header(self, rows):
        """The first of the top rows that names every required column; blank (merged) cells are ignored."""
        fewest_missing = None
        for number, cells in enumerate(islice(rows, HEADER_SEARCH_ROWS), start=1):
            found, repeated = self.match(cells)
            missing = [column for column in self.columns if column.required and column.name not in found]
            if not missing:
                if repeated:
                    raise ImportFileError(
                        _("The column %(column)s appears more than once in row %(row)d.")
                        % {"column": repeated[0], "row": number}
                    )
                self.found = found
                self.labels.update({name: as_text(cells[index]) for name, index in found.items()})
                return number, cells
            if fewest_missing is None or len(missing) < len(fewest_missing):
                fewest_missing = missing
        if fewest_missing is None:
            raise ImportFileError(_("The file is empty."))
        raise ImportFileError(
            _("Missing columns: %(missing)s. The header row must name them: %(expected)s.")
            % {
                "missing": ", ".join(" / ".join(column.headers[:2]) for column in fewest_missing),
                "expected": ", ".join(column.header for column in self.columns),
            }
        )

    def match(self, cells):
        found, repeated = {}, []
        for index, cell in enumerate(cells):
            if is_blank(cell):
                continue
            column = self.by_key.get(header_key(cell))
            if column is None:
                continue  # columns the importer does not know are ignored
            if column.name in found:
                repeated.append(as_text(cell))
            found[column.name] = index
        return found, repeated

    def cell(self, cells, name):
        index = self.found.get(name)
        value = cells[index] if index is not None and index < len(cells) else None
        if isinstance(value, str):
            value = value.strip() or None
        return value

    def check(self, row, seen):
        values = dict(zip(self.column_names, row.values, strict=True))
        for column in self.columns:
            if column.required and values[column.name] is None:
                self.add_error(row, column.name, _("this column is required, but the cell is empty"))
        if row.errors:
            return
        try:
            cleaned = self.clean_row(values)
        except ValidationError as error:
            self.add_validation_error(row, error)
            return
        area = cleaned[self.area_column]
        if area.path not in self.in_scope:  # a file names the same few areas on row after row
            self.in_scope[area.path] = scope.can(self.user, self.action, self.model, area.path)
        if not self.in_scope[area.path]:
            self.add_error(row, self.area_column, _("area %(area)s is not in your scope") % {"area": area.code})
            return
        if self.unique:
            first = seen.setdefault(tuple(cleaned[name] for name in self.unique), row.number)
            if first != row.number:
                columns = ", ".join(self.labels[name] for name in self.unique)
                row.errors.append((None, _("the same %(columns)s as row %(row)d") % {"columns": columns, "row": first}))
                return
        row.cleaned = cleaned

    def flush(self, batch, result, all_or_nothing):
        # Once an all-or-nothing import has an error it will be rolled back: only keep checking.
        if batch and not (all_or_nothing and result.errors):
            self.write_rows(batch)
        for row in batch:
            result.add(row)
        if self.progress is not None:
            self.progress(result.total)

    def add_error(self, row, name, message):
        row.errors.append((self.labels.get(name), message))

    def add_validation_error(self, row, error):
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(row, name, message)
        else:
            for message in error.messages:
                row.errors.append((None, message))

    @classmethod
    def template_workbook(cls):
        """An empty workbook with the columns' first headers, to fill in."""
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(openpyxl_row(sheet, [column.header for column in cls.columns]))
        for number, column in enumerate(cls.columns, start=1):
            letter = get_column_letter(number)
            sheet[f"{letter}1"].font = Font(bold=True)
            sheet.column_dimensions[letter].width = max(14, 3 * len(column.header))
            # Text cells, so Excel keeps long codes and ID numbers whole instead of rounding to 15 digits.
            sheet.column_dimensions[letter].number_format = "@"
        return workbook_bytes(workbook)


TOKEN_PATTERN = re.compile(r"[0-9a-f]{32}")


class StoredUpload:
    """An uploaded file kept under VAR_DIR/imports/ between preview and commit, bound to its user.

    Files are named by a random token only: nothing the client sends becomes part of a path.
    """

    def __init__(self, token, meta):
        self.token = token
        self.meta = meta

    @staticmethod
    def directory():
        return Path(settings.VAR_DIR) / "imports"

    @property
    def path(self):
        return self.directory() / f"{self.token}.{self.meta['ext']}"

    @property
    def errors_path(self):
        return self.directory() / f"{self.token}.errors.xlsx"

    @property
    def meta_path(self):
        return self.directory() / f"{self.token}.json"

    @property
    def claim_path(self):
        return self.directory() / f"{self.token}.lock"

    @classmethod
    def create(cls, user, uploaded, importer_class):
        """Keep the uploaded file, or raise ImportFileError. A workbook built to exhaust its reader is
        refused here, in the request that sends it (the web form and the API both store their upload
        here), not later by the job that would read it."""
        extension = Path(uploaded.name).suffix.lower().lstrip(".")
        if extension not in EXTENSIONS:
            raise not_a_spreadsheet()
        check_size(uploaded.size)
        meta = {"owner": user.pk, "importer": importer_class.dotted_name(), "ext": extension, "name": uploaded.name}
        upload = cls(uuid.uuid4().hex, meta)
        upload.directory().mkdir(parents=True, exist_ok=True)
        with upload.path.open("wb") as file:
            for chunk in uploaded.chunks():
                file.write(chunk)
        if extension != "csv":
            try:
                check_workbook(upload.path)
            except ImportFileError:
                upload.path.unlink()
                raise
        upload.save_meta()
        return upload

    @classmethod
    def find(cls, token, user, importer_class):
        """The user's own upload for this importer, or None."""
        if not TOKEN_PATTERN.fullmatch(token or ""):
            return None
        try:
            meta = json.loads((cls.directory() / f"{token}.json").read_text())
        except FileNotFoundError:
            return None
        if meta["owner"] != user.pk or meta["importer"] != importer_class.dotted_name():
            return None
        return cls(token, meta)

    def save_meta(self):
        # Written aside and renamed into place: a job reading it meanwhile sees the old or the new, never half.
        aside = self.meta_path.with_suffix(".json.new")
        aside.write_text(json.dumps(self.meta, ensure_ascii=False))
        aside.replace(self.meta_path)

    def download_name(self, suffix):
        return f"{Path(self.meta['name']).stem}-{suffix}.xlsx"

    def save_errors(self, result):
        if result.errors:
            self.errors_path.write_bytes(result.error_workbook())
        else:
            self.errors_path.unlink(missing_ok=True)

    def claim(self):
        """True for the first confirmation only, so a double click or a resent form imports once."""
        try:
            os.close(os.open(self.claim_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return False
        return True

    def finish(self, result):
        """Keep the rows with errors for their download; the uploaded file (personal data, often) goes.
        The counts are the import job's result."""
        self.save_errors(result)
        self.path.unlink(missing_ok=True)

    def delete(self):
        for path in (self.path, self.errors_path, self.meta_path, self.claim_path):
            path.unlink(missing_ok=True)

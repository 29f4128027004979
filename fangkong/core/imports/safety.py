"""Is the file safe to read? Size, kind and extent are checked before a reader sees it."""

import copy
import json
import posixpath
import re
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path
from xml.parsers import expat

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl.utils import column_index_from_string

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
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


def check_csv(path):
    """Refuse a CSV too long or too wide to read, in the request that uploads it: one pass counting its
    line breaks, and the commas of its first line for its columns (a quoted comma counts too, so a
    header is never taken for narrower than it is). Wider rows further down are refused by the reader."""
    extent = SheetExtent()
    lines = header_commas = 0
    in_header = True
    ends_a_line = True
    with path.open("rb") as file:
        while chunk := file.read(CHUNK_BYTES):
            if in_header:
                head, newline, _rest = chunk.partition(b"\n")
                header_commas += head.count(b",")
                in_header = not newline
            lines += chunk.count(b"\n")
            ends_a_line = chunk.endswith(b"\n")
            extent.reach(lines, header_commas + 1)
            extent.check()
    extent.reach(lines + (not ends_a_line), header_commas + 1)
    extent.check()


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

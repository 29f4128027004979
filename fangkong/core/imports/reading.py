"""Reading a spreadsheet's rows: xlsx and xls through calamine, CSV in UTF-8 or GBK."""

import csv
import io
import re
import zipfile
from itertools import islice
from pathlib import Path

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

from .safety import ZIP_SIGNATURE, ImportFileError, SheetExtent, check_size, check_workbook, not_a_spreadsheet


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

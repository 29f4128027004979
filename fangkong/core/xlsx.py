"""An xlsx workbook written while it is sent: rows in, compressed bytes out.

openpyxl's write-only mode keeps memory flat but can only save the finished workbook, so a download
of a million rows sent nothing for five minutes (docs/benchmarks.md), long enough for a proxy to
give up. Here the sheet's XML goes through ``zipfile`` into a buffer that is handed on every
64 KiB: the first bytes leave with the first rows. Text is written inline (no shared-string table
to hold), dates and times as Excel serial numbers with a date format, the header row bold and frozen.
"""

import datetime
import itertools
import math
import re
import zipfile
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_BYTES = 64 * 1024
SHEET_ROWS = 1_048_576  # Excel's limit, the header row included
EXCEL_EPOCH = datetime.datetime(1899, 12, 30)
# XML 1.0 has no place for most control characters; Excel refuses a file that contains them.
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Cell styles (the order of cellXfs in STYLES): 1 date, 2 date and time, 3 bold header.
DATE_STYLE, DATETIME_STYLE, HEADER_STYLE = 1, 2, 3

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
{sheets}<Override PartName="/xl/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Target="xl/workbook.xml" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>\
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
<sheets>{sheets}</sheets></workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
{sheets}<Relationship Id="styles" Target="styles.xml" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"/>\
</Relationships>"""
SHEET_TYPE = '<Override PartName="/xl/worksheets/sheet{n}.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
SHEET_REL = '<Relationship Id="sheet{n}" Target="worksheets/sheet{n}.xml" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
SHEET_ENTRY = '<sheet name="{name}" sheetId="{n}" r:id="sheet{n}"/>'
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>\
<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""
SHEET_START = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<sheetViews><sheetView workbookViewId="0">\
<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>\
<cols><col min="1" max="{width}" width="16" customWidth="1"/></cols><sheetData>"""
SHEET_END = "</sheetData></worksheet>"


class _Buffer:
    """Where zipfile writes; what it wrote so far is taken away and sent. Not seekable, so zipfile
    streams each member with a data descriptor instead of going back to fill in its size."""

    def __init__(self):
        self.parts = []
        self.size = 0

    def write(self, data):
        self.parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self):
        pass

    def take(self):
        data = b"".join(self.parts)
        self.parts, self.size = [], 0
        return data


def xlsx_stream(headers, rows, sheet_name="Sheet1"):
    """The workbook's bytes, a chunk at a time. ``rows`` are lists of str, int, float, bool, date,
    naive datetime or None (an empty cell). Past Excel's 1,048,576 rows a sheet, the rows go on in a
    next sheet ("人员 (2)") under the same header; the parts that list the sheets come last."""
    buffer = _Buffer()
    letters = [get_column_letter(number) for number in range(1, len(headers) + 1)]
    rows = iter(rows)
    titles = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        while not titles or (more := next(rows, None)) is not None:
            number = len(titles) + 1
            title = _sheet_title(sheet_name if number == 1 else f"{sheet_name} ({number})")
            titles.append(title)
            # Sizes go in a data descriptor after the data (the stream cannot seek back); no zip64:
            # Excel refuses a zip64 local header, and a sheet of at most SHEET_ROWS rows of a list's
            # few columns stays far below the 2 GiB a member may hold without it.
            with archive.open(f"xl/worksheets/sheet{number}.xml", "w") as sheet:
                sheet.write(SHEET_START.format(width=max(1, len(headers))).encode())
                sheet.write(_row_xml(1, letters, headers, HEADER_STYLE))
                first = [more] if number > 1 else []
                for row_number, values in enumerate(itertools.chain(first, rows), start=2):
                    sheet.write(_row_xml(row_number, letters, values))
                    if buffer.size >= CHUNK_BYTES:
                        yield buffer.take()
                    if row_number == SHEET_ROWS:
                        break
                sheet.write(SHEET_END.encode())
        numbers = range(1, len(titles) + 1)
        archive.writestr(
            "[Content_Types].xml", CONTENT_TYPES.format(sheets="".join(SHEET_TYPE.format(n=n) for n in numbers))
        )
        archive.writestr("_rels/.rels", ROOT_RELS)
        entries = "".join(
            SHEET_ENTRY.format(name=escape(title, {'"': "&quot;"}), n=n)
            for n, title in zip(numbers, titles, strict=True)
        )
        archive.writestr("xl/workbook.xml", WORKBOOK.format(sheets=entries))
        archive.writestr(
            "xl/_rels/workbook.xml.rels", WORKBOOK_RELS.format(sheets="".join(SHEET_REL.format(n=n) for n in numbers))
        )
        archive.writestr("xl/styles.xml", STYLES)
    yield buffer.take()


def _sheet_title(name):
    """Excel's rules for a sheet's name: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", "", str(name))[:31] or "Sheet1"


def _row_xml(number, letters, values, style=0):
    cells = "".join(_cell_xml(f"{letter}{number}", value, style) for letter, value in zip(letters, values, strict=True))
    return f'<row r="{number}">{cells}</row>'.encode()


def _cell_xml(ref, value, style):
    styled = f' s="{style}"' if style else ""
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"{styled}><v>{int(value)}</v></c>'
    if isinstance(value, int | float) and math.isfinite(value):
        return f'<c r="{ref}"{styled}><v>{value!r}</v></c>'
    if isinstance(value, datetime.datetime):
        serial = (value.replace(tzinfo=None) - EXCEL_EPOCH) / datetime.timedelta(days=1)
        return f'<c r="{ref}" s="{DATETIME_STYLE}"><v>{serial!r}</v></c>'
    if isinstance(value, datetime.date):
        serial = (value - EXCEL_EPOCH.date()).days
        return f'<c r="{ref}" s="{DATE_STYLE}"><v>{serial}</v></c>'
    # An inline string is text whatever it starts with: "=HYPERLINK(...)" is never a formula (core/cells.py).
    text = escape(ILLEGAL_XML.sub("", str(value)))
    return f'<c r="{ref}" t="inlineStr"{styled}><is><t xml:space="preserve">{text}</t></is></c>'

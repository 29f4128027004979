"""Cell values between spreadsheets and the rest of the system, in both directions.

Out: text that a spreadsheet would run as a formula stays text. A name such as
``=HYPERLINK("http://x","y")`` or ``@SUM(A1)``, typed into a form or an imported file, would
otherwise run when a cadre opens an exported list (CSV injection, as OWASP describes it). Every
writer of CSV or xlsx goes through here: CSV cells get a leading ``'``, which spreadsheets read as
"this is text"; xlsx cells are written as strings, never as formulas (``xlsx.xlsx_stream`` writes
every str as an inline string; openpyxl, which would make a formula of any str starting with ``=``,
is given string cells by ``openpyxl_row``).

In: Excel stores every number as a float, so a code typed as a number arrives as ``420106.0``.
"""

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXACT_FLOAT = 2**53  # past this a float no longer holds every integer


def starts_like_formula(value):
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_value(value):
    """A value for csv.writer; numbers stay numbers (-3 is written -3)."""
    return "'" + value if starts_like_formula(value) else value


def openpyxl_row(sheet, values):
    """A row for ``sheet.append``: text as string cells, without the control characters XML cannot hold."""
    row = []
    for value in values:
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if starts_like_formula(value):
                cell = WriteOnlyCell(sheet, value)
                cell.data_type = "s"
                value = cell
        row.append(value)
    return row


def whole_number(value):
    """An integral float as the int it stands for (420106.0 -> 420106), while the float holds it exactly;
    anything else as it is."""
    if isinstance(value, float) and value.is_integer() and abs(value) < EXACT_FLOAT:
        return int(value)
    return value

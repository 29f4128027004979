"""The daily report as the tables and files other offices and systems take.

``table(report)`` lays the report out once (group headings, indicator names, one row per child and the
total row); the page, the printable page, the xlsx and the CSV all show that layout. DHIS2 and ADX
take the counts per area (the area codes as org unit codes, the indicator codes as data elements):
rates are left out, as aggregate systems compute them from the counts.
"""

import csv
import io
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from fangkong.core.cells import csv_value, openpyxl_row

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "dhis2": "application/json",
    "adx": "application/adx+xml",
}
EXTENSIONS = {"xlsx": "xlsx", "csv": "csv", "dhis2": "json", "adx": "xml"}
ADX_NAMESPACE = "urn:ihe:qrph:adx:2015"
DATA_SET = "FANGKONG_DAILY"


def status_labels():
    return {
        "on_time": _("on time"),
        "late": _("late"),
        "missing": _("missing"),
        "pending": _("not yet due"),
        "": "",
    }


@dataclass
class Cell:
    value: object
    link: str = ""
    changed: bool = False  # differs from what was confirmed


@dataclass
class TableRow:
    code: str
    label: str
    status: str
    status_label: str
    cells: list
    total: bool = False
    changed: bool = False


def groups(shown):
    """[(heading, how many columns)] for consecutive indicators of one group."""
    spans = []
    for indicator in shown:
        if spans and spans[-1][0] == indicator.group:
            spans[-1][1] += 1
        else:
            spans.append([indicator.group, 1])
    return [tuple(span) for span in spans]


def table(report, links=True):
    labels = status_labels()

    def row(source, label, total=False):
        cells = [
            Cell(
                source.values.get(item.code),
                report.link(item.code, source.area) if links and not item.is_rate and not source.own else "",
                item.code in source.changed,
            )
            for item in report.shown
        ]
        return TableRow(
            source.area.code, label, source.status, labels[source.status], cells, total, bool(source.changed)
        )

    rows = [
        row(item, _("%(area)s (itself)") % {"area": item.area.label()} if item.own else item.area.label())
        for item in report.rows
    ]
    return rows, row(report.total, _("Total"), total=True)


def unit_of(report):
    return report.form.unit or report.area.name


def signer_of(report):
    confirmation = report.total.confirmation
    if report.form.signer:
        return report.form.signer
    if confirmation and confirmation.confirmed_by:
        return confirmation.confirmed_by.get_full_name() or confirmation.confirmed_by.username
    return ""


def headers(report):
    return [_("Area code"), _("Area"), _("Report status"), *(item.name for item in report.shown)]


def plain_rows(report):
    rows, total = table(report, links=False)
    for item in [*rows, total]:
        yield [item.code, item.label, item.status_label, *(cell.value for cell in item.cells)]


# --- xlsx: the government table ----------------------------------------------------------------

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _sheet(workbook, report, first):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = report.day.isoformat()
    width = 3 + len(report.shown)
    last = get_column_letter(width)
    sheet.append(openpyxl_row(sheet, [report.form.name]))
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = CENTRE
    middle = max(2, width // 2)
    sheet.append(
        openpyxl_row(
            sheet,
            [
                _("Reporting unit: %(unit)s") % {"unit": unit_of(report)},
                *[None] * (middle - 1),
                _("Date: %(day)s") % {"day": report.day.isoformat()},
            ],
        )
    )
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=middle)
    if middle + 1 <= width:
        sheet.merge_cells(start_row=2, start_column=middle + 1, end_row=2, end_column=width)
    # Two header rows: the groups, then the indicators; the first three headings span both.
    fixed = [_("Area code"), _("Area"), _("Report status")]
    group_row = [*fixed]
    for heading, span in groups(report.shown):
        group_row += [heading, *[None] * (span - 1)]
    sheet.append(openpyxl_row(sheet, group_row))
    sheet.append(openpyxl_row(sheet, [None, None, None, *(item.name for item in report.shown)]))
    for column in range(1, 4):
        sheet.merge_cells(start_row=3, start_column=column, end_row=4, end_column=column)
    column = 4
    for _heading, span in groups(report.shown):
        if span > 1:
            sheet.merge_cells(start_row=3, start_column=column, end_row=3, end_column=column + span - 1)
        column += span
    for values in plain_rows(report):
        sheet.append(openpyxl_row(sheet, values))
    end = sheet.max_row
    for line in sheet.iter_rows(min_row=3, max_row=end, max_col=width):
        for cell in line:
            cell.border = BOX
            if cell.row <= 4:
                cell.font = Font(bold=True)
                cell.alignment = CENTRE
    for cell in sheet[end]:
        cell.font = Font(bold=True)
    signed = _("Signed by: %(signer)s") % {"signer": signer_of(report)}
    made = _("Made on: %(time)s") % {"time": timezone.localtime().strftime("%Y-%m-%d %H:%M")}
    sheet.append([])
    sheet.append(openpyxl_row(sheet, [signed, *[None] * (middle - 1), made]))
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 18
    for number in range(3, width + 1):
        sheet.column_dimensions[get_column_letter(number)].width = 11
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "3:4"


def xlsx_bytes(reports):
    workbook = Workbook()
    for number, report in enumerate(reports):
        _sheet(workbook, report, number == 0)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(reports):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # Excel needs the BOM to read UTF-8 Chinese
    writer.writerow([csv_value(value) for value in [_("Date"), *headers(reports[0])]])
    for report in reports:
        for values in plain_rows(report):
            writer.writerow([csv_value(value) for value in [report.day.isoformat(), *values]])
    return buffer.getvalue()


# --- aggregate data for DHIS2 and ADX ----------------------------------------------------------


def data_values(report):
    """(org unit code, data element code, value) for each child and the area itself, counts only."""
    counts = [item for item in report.shown if not item.is_rate]
    for row in [*(row for row in report.rows if not row.own), report.total]:
        for item in counts:
            yield row.area.code, item.code, row.values.get(item.code, 0)


def dhis2_json(reports):
    """A DHIS2 dataValueSets payload, identified by code (``idScheme=CODE`` on import)."""
    values = [
        {"dataElement": element, "period": report.day.strftime("%Y%m%d"), "orgUnit": unit, "value": str(value)}
        for report in reports
        for unit, element, value in data_values(report)
    ]
    return json.dumps({"dataSet": DATA_SET, "idScheme": "CODE", "dataValues": values}, ensure_ascii=False)


def adx_xml(reports):
    ET.register_namespace("", ADX_NAMESPACE)
    root = ET.Element(f"{{{ADX_NAMESPACE}}}adx", exported=timezone.localtime().isoformat(timespec="seconds"))
    for report in reports:
        by_unit = {}
        for unit, element, value in data_values(report):
            by_unit.setdefault(unit, []).append((element, value))
        for unit, values in by_unit.items():
            group = ET.SubElement(
                root,
                f"{{{ADX_NAMESPACE}}}group",
                orgUnit=unit,
                period=f"{report.day.isoformat()}/P1D",
                dataSet=DATA_SET,
            )
            for element, value in values:
                ET.SubElement(group, f"{{{ADX_NAMESPACE}}}dataValue", dataElement=element, value=str(value))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


WRITERS = {"xlsx": xlsx_bytes, "csv": csv_text, "dhis2": dhis2_json, "adx": adx_xml}


def export(reports, fmt):
    """(content, content type, file name) of the reports (one per day) in the format."""
    first = reports[0]
    days = first.day.isoformat() if len(reports) == 1 else f"{first.day.isoformat()}_{reports[-1].day.isoformat()}"
    name = f"report-{first.area.code}-{days}.{EXTENSIONS[fmt]}"
    return WRITERS[fmt](reports), FORMATS[fmt], name

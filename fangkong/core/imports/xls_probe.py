"""Run by fangkong.core.imports.safety in a child process: read an .xls workbook's first worksheet with
calamine under a memory limit, and print how far it reaches as JSON.

A hostile .xls can make calamine allocate more memory than there is, which aborts the process; here
that ends only this child, and the server refuses the file. Only the standard library and calamine
are imported, so the child starts quickly and needs no Django.
"""

import json
import resource
import sys


def main(path, memory_bytes):
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

    try:
        workbook = CalamineWorkbook.from_path(path)
        sheets = [index for index, meta in enumerate(workbook.sheets_metadata) if meta.typ == SheetTypeEnum.WorkSheet]
        sheet = workbook.get_sheet_by_index(sheets[0]) if sheets else None
    except CalamineError:
        return {"error": "not a workbook"}
    if sheet is None or sheet.end is None:
        return {"rows": 0, "columns": 0}
    # Rows are read from row 1 (calamine fills in those above the first cell); cells from the first column.
    (_, first_column), (last_row, last_column) = sheet.start, sheet.end
    return {"rows": last_row + 1, "columns": last_column - first_column + 1}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]))))

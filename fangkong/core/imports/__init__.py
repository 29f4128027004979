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

The package holds, by concern: ``safety`` (is the file safe to read: size, kind, extent, before any
reader sees it), ``reading`` (its rows), ``importer`` (the ``Importer`` engine and its results) and
``uploads`` (a file kept between preview and commit). Import the names from here.
"""

from .importer import ERRORS_HEADER, Column, Importer, ImportResult, Outcome, Row, as_text, is_blank
from .reading import decode, read_rows
from .safety import ImportFileError
from .uploads import StoredUpload

__all__ = [
    "ERRORS_HEADER",
    "Column",
    "ImportFileError",
    "ImportResult",
    "Importer",
    "Outcome",
    "Row",
    "StoredUpload",
    "as_text",
    "decode",
    "is_blank",
    "read_rows",
]

"""The Importer engine: match the headers, check every row, preview, then commit in batches."""

import abc
import io
import re
import unicodedata
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .. import scope
from ..cells import openpyxl_row, whole_number
from ..context import Source, change_context, current
from ..roles import Action
from .reading import read_rows
from .safety import ImportFileError

# Title rows ("XX村返乡人员登记表") often sit above the header: look for it this far down.
HEADER_SEARCH_ROWS = 10
ERRORS_HEADER = "错误/Errors"


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

    @property
    def title(self):
        """The column as a message names it: its header, and in any language but Chinese its English
        alias too (a Chinese message has no English in it)."""
        alias = next((header for header in self.headers[1:] if header.isascii()), None)
        if alias is None or (translation.get_language() or "").startswith("zh"):
            return self.header
        return f"{self.header} / {alias}"


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
        """The file is read. One with a header and no row is refused, in a preview as in a commit, on the
        page as through the API."""
        if not self.total:
            raise ImportFileError(_("No row can be imported. Fix the file and upload it again."))
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
                "missing": ", ".join(column.title for column in fewest_missing),
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

"""What both register importers share: cell parsers, the division lookup, the ``RegisterImporter`` base."""

import datetime
import math
import re
from collections import defaultdict
from contextlib import closing
from itertools import islice

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.areas.models import Area, Division
from fangkong.core import crypto, scope
from fangkong.core.imports import Column, Importer, ImportFileError, ImportResult, Row, as_text, is_blank
from fangkong.core.imports import read_rows as read_file_rows
from fangkong.core.roles import Action
from fangkong.core.validators import (
    check_id_number_facts,
    id_number_facts,
    normalise_id_number,
    normalise_phone,
    not_in_future,
)

from .. import services
from ..models import Arrival, Person

YES = frozenset({"是", "有", "y", "yes", "true", "1", "√", "✓", "阳性"})
NO = frozenset({"否", "无", "没有", "n", "no", "false", "0", "×", "正常", "阴性"})
DATE_PATTERN = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"
)
COMPACT_DATE_PATTERN = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# Excel, WPS and LibreOffice keep 15 significant digits of a number, and write a long one as 6.11022198801153E+17.
NUMBER_DIGITS = 15
SCIENTIFIC_PATTERN = re.compile(r"^[+-]?\d+(?:\.\d*)?E[+-]?\d+$", re.ASCII | re.IGNORECASE)
SEPARATORS = re.compile(r"[\s/\\\-·,，、>]+")
SEX = {"男": Person.Sex.MALE, "male": Person.Sex.MALE, "m": Person.Sex.MALE}
SEX.update({"女": Person.Sex.FEMALE, "female": Person.Sex.FEMALE, "f": Person.Sex.FEMALE})
TRANSPORT = {
    "火车": Arrival.Transport.TRAIN,
    "高铁": Arrival.Transport.TRAIN,
    "动车": Arrival.Transport.TRAIN,
    "train": Arrival.Transport.TRAIN,
    "飞机": Arrival.Transport.PLANE,
    "plane": Arrival.Transport.PLANE,
    "客车": Arrival.Transport.COACH,
    "汽车": Arrival.Transport.COACH,
    "大巴": Arrival.Transport.COACH,
    "coach": Arrival.Transport.COACH,
    "bus": Arrival.Transport.COACH,
    "自驾": Arrival.Transport.CAR,
    "私家车": Arrival.Transport.CAR,
    "car": Arrival.Transport.CAR,
    "其他": Arrival.Transport.OTHER,
    "其它": Arrival.Transport.OTHER,
    "other": Arrival.Transport.OTHER,
}
HEAD_RELATIONS = frozenset({"户主", "本人", "户主本人", "head"})
AREA_COLUMNS = (
    Column("grid", ("网格代码", "所属网格", "网格", "grid code", "grid"), required=False),
    Column("village", ("村代码", "村(社区)代码", "村社区代码", "village code"), required=False),
)


def id_number_text(value):
    """An ID-number cell as text, for ``normalise_id_number``.

    A register saved with the ID-number column as numbers holds 6.11022198801153e+17: the digits after
    the 15th are gone, and no check can tell which they were. Such a cell (a number of more than 15
    digits, or text in scientific notation) is refused with the cause, rather than rebuilt into a
    number that fails its check character. A number of at most 15 digits is exact (old 15-digit IDs).
    """
    if isinstance(value, str):
        rounded = bool(SCIENTIFIC_PATTERN.match(value.strip()))
    else:
        number = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        rounded = number and value == int(value) and len(str(abs(int(value)))) > NUMBER_DIGITS
    if rounded:
        raise ValidationError(
            _(
                "the ID number was saved as a number, which keeps 15 digits: the digits after the 15th are "
                "lost. Format the column as text and type the ID numbers again"
            )
        )
    return as_text(value)


def parse_date(value, column, today=None, future=False):
    """An Excel date cell, or text: 2020-01-25, 2020/1/25, 2020.1.25, 2020年1月25日, 20200125. A date
    after today is refused unless ``future`` (a roster is made ahead)."""
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    else:
        text = as_text(value)
        match = DATE_PATTERN.match(text) or COMPACT_DATE_PATTERN.match(text)
        try:
            day = datetime.date(*map(int, match.groups())) if match else None
        except ValueError:
            day = None
        if day is None:
            raise ValidationError({column: _("%(value)s is not a date; write it like 2020-01-25") % {"value": text}})
    if future:
        return day
    try:
        return not_in_future(day, today)
    except ValidationError as error:
        raise ValidationError({column: error.messages}) from None


def parse_yes_no(value, column):
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    text = as_text(value).casefold()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValidationError({column: _("write 是 or 否, not %(value)s") % {"value": as_text(value)}})


def parse_choice(value, choices, column, default):
    if value is None:
        return default
    text = as_text(value).casefold()
    if text in choices:
        return choices[text]
    raise ValidationError(
        {column: _("%(value)s is not one of %(choices)s") % {"value": as_text(value), "choices": "/".join(choices)}}
    )


def limited(value, model, field, column):
    text = as_text(value)
    limit = model._meta.get_field(field).max_length
    if len(text) > limit:
        raise ValidationError({column: _("at most %(limit)d characters") % {"limit": limit}})
    return text


class Divisions:
    """The national division list in memory: by code, and by every tail of its full name."""

    def __init__(self):
        self.by_code = {}
        self.by_name = defaultdict(list)
        divisions = list(Division.objects.only("code", "name", "level", "parent_id", "full_name"))
        parents = {division.pk: division for division in divisions}
        for division in divisions:
            self.by_code[division.code] = division
            chain, current = [], division
            while current is not None:
                if current.name not in ("市辖区", "县"):
                    chain.insert(0, current.name)
                current = parents.get(current.parent_id)
            # 湖北省武汉市江汉区, 武汉市江汉区, 江汉区
            for start in range(len(chain)):
                self.by_name["".join(chain[start:])].append(division)

    def resolve(self, value, column):
        text = SEPARATORS.sub("", as_text(value))
        if text.isdigit():
            code = text
            if len(code) == 6:  # 420000 is the province 42, 420100 the prefecture 4201
                code = code.removesuffix("0000") if code.endswith("0000") else code.removesuffix("00")
                code = code if len(code) in (2, 4) else text
            division = self.by_code.get(code) or self.by_code.get(text)
            if division is None:
                raise ValidationError({column: _("no county has the code %(code)s") % {"code": text}})
            return division
        found = self.by_name.get(text, [])
        if len(found) == 1:
            return found[0]
        if not found:
            raise ValidationError(
                {
                    column: _(
                        "%(value)s is not in the national division list; write the county's 6-digit code or its "
                        "full name, e.g. 湖北省武汉市江汉区"
                    )
                    % {"value": as_text(value)}
                }
            )
        raise ValidationError(
            {
                column: _("%(value)s is ambiguous (%(names)s); add the province and city, or use the 6-digit code")
                % {"value": as_text(value), "names": ", ".join(sorted(d.full_name for d in found)[:5])}
            }
        )


class RegisterImporter(Importer):
    """Shared by the register's importers: the target area, ID numbers, and chunked look-ups."""

    model = Person
    chunk_size = 2000
    batch_size = 2000

    def __init__(self, user, today=None):
        super().__init__(user)
        self.today = today or timezone.localdate()
        self.areas = {}  # code -> Area or None
        self.persons = {}  # ID-number hash -> Person (or None: looked up, not registered)
        self.hashes = {}  # normalised ID number -> its look-up hash
        self.visible = {}  # area path -> whether the user may see people there
        self.changeable = {}  # area path -> whether the user may change people there
        self.area_names = {}
        self.looked_up = None  # hashes of the numbers the user looked up today, read once a run

    # --- reading, a chunk at a time ------------------------------------------------------------

    def run(self, path, write, all_or_nothing=False):
        """Importer.run, but rows are checked a chunk at a time after one look-up for the chunk."""
        with closing(read_file_rows(path)) as rows:
            header_number, headers = self.find_header(rows)
            result = ImportResult(headers, [self.labels[name] for name in self.column_names], self.preview_rows)
            seen = {}
            numbered = enumerate(rows, start=header_number + 1)
            while chunk := list(islice(numbered, self.chunk_size)):
                batch = []
                for number, cells in chunk:
                    if all(is_blank(cell) for cell in cells):
                        continue
                    result.total += 1
                    batch.append(Row(number, result.total, cells, [self.cell(cells, n) for n in self.column_names]))
                self.prepare(batch)
                writable = []
                for row in batch:
                    self.check(row, seen)
                    if row.errors or not write:
                        result.add(row)
                    else:
                        writable.append(row)
                self.flush(writable, result, all_or_nothing)
        result.finish()
        return result

    def find_header(self, rows):
        number, cells = super().find_header(rows)
        if "grid" not in self.found and "village" not in self.found:
            raise ImportFileError(
                _("Missing columns: %(missing)s. The header row must name them: %(expected)s.")
                % {"missing": "网格代码 / 村代码", "expected": ", ".join(column.header for column in self.columns)}
            )
        return number, cells

    def prepare(self, rows):
        """Look up, in one query, the registered persons the chunk's ID numbers belong to."""
        index = self.column_names.index("id_number")
        hashes = set()
        for row in rows:
            value = row.values[index]
            if value is not None:
                try:
                    hashes.add(self.hash_of(normalise_id_number(id_number_text(value))))
                except ValidationError:
                    continue
        missing = hashes - self.persons.keys()
        if missing:
            found = {person.id_number_hash: person for person in Person.objects.filter(id_number_hash__in=missing)}
            for digest in missing:
                self.persons[digest] = found.get(digest)
        # ... and the grids and villages it names, in one query too.
        codes = set()
        for name in ("grid", "village"):
            if name in self.found:
                index = self.column_names.index(name)
                codes.update(as_text(row.values[index]) for row in rows if row.values[index] is not None)
        missing = {code for code in codes if code.isdigit()} - self.areas.keys()
        if missing:
            found = {area.code: area for area in Area.objects.filter(code__in=missing)}
            for code in missing:
                self.areas[code] = found.get(code)

    # --- cleaning ------------------------------------------------------------------------------

    def clean_area(self, values, errors):
        grid, village = as_text(values.get("grid")), as_text(values.get("village"))
        if not grid and not village:
            errors[self.area_name(values)] = _("give the grid code or the village code")
            return None
        if grid and not grid.isdigit() and village:  # 所属网格 as a name, with its village's code
            area = self.area_by_code(village)
            if area is not None:
                key = (village, grid)
                if key not in self.areas:
                    self.areas[key] = area.children.filter(level=Area.Level.GRID, name=grid).first()
                if self.areas[key] is None:
                    errors["grid"] = _("village %(code)s has no grid named %(name)s") % {"code": village, "name": grid}
                return self.areas[key]
        code = grid or village
        area = self.area_by_code(code)
        levels = (Area.Level.GRID,) if grid else (Area.Level.VILLAGE,)
        if area is None or area.level not in levels:
            name = "grid" if grid else "village"
            errors[name] = (
                _("no grid has the code %(code)s") if grid else _("no village or community has the code %(code)s")
            ) % {"code": code}
            return None
        return area

    def area_name(self, values):
        return "grid" if "grid" in self.found else "village"

    def area_by_code(self, code):
        if code not in self.areas:
            self.areas[code] = Area.objects.filter(code=code).first()
        return self.areas[code]

    def clean_id_number(self, value, errors, required=True):
        """The normalised ID number and the registered person (None if new); errors name the column."""
        if value is None:
            if required:
                errors["id_number"] = _("this column is required, but the cell is empty")
            return "", None
        try:
            number = normalise_id_number(id_number_text(value), today=self.today)
        except ValidationError as error:
            errors["id_number"] = error.messages[0]
            return "", None
        digest = self.hash_of(number)
        if digest not in self.persons:  # rows not prepared (direct calls): look up one
            self.persons[digest] = Person.objects.filter(id_number_hash=digest).first()
        person = self.persons[digest]
        if person is not None and not self.may_see(person):
            message = services.REGISTERED_ELSEWHERE % {"county": self.county_name(person.area_path)}
            self.tell_registered(errors, "id_number", message, digest, person)
        return number, person

    def tell_registered(self, errors, column, message, digest, person):
        """Give the row a message that says its ID number is registered: an exact look-up.

        Such a message for every row would tell which of a person's few dozen candidate numbers is
        right, so it is logged and limited like the search box's (``services.log_id_lookup``); past
        the limit the row gets the limit's message instead. A number already looked up today (by
        this file's preview, say) is not counted again: it tells nothing new.
        """
        if self.looked_up is None:
            self.looked_up = set(services.lookups_today(self.user).values_list("number_hash", flat=True))
        if digest not in self.looked_up:
            try:
                services.log_id_lookup(self.user, digest, person)
            except services.LookupLimitReached as error:
                errors["id_number"] = error.messages[0]
                return
            self.looked_up.add(digest)
        errors[column] = message

    def hash_of(self, number):
        """The look-up hash of a normalised ID number; a row needs it several times."""
        if number not in self.hashes:
            self.hashes[number] = crypto.lookup_hash(number)
        return self.hashes[number]

    def may_see(self, person):
        if person.area_path not in self.visible:
            self.visible[person.area_path] = scope.can(self.user, Action.VIEW, Person, person.area_path)
        return self.visible[person.area_path]

    def may_change(self, person):
        if person.area_path not in self.changeable:
            self.changeable[person.area_path] = scope.can(self.user, Action.CHANGE, Person, person.area_path)
        return self.changeable[person.area_path]

    def view_only_error(self, person):
        """The row's error when it names a person the user may see but not change (the web form's rule)."""
        return _("%(name)s is registered in %(area)s, where you may only view them; ask that area to change them") % {
            "name": person.name,
            "area": person.area,
        }

    def county_name(self, path):
        code = Area.code_at_level(path, Area.Level.COUNTY)
        if code not in self.area_names:
            area = Area.objects.filter(code=code).first()
            self.area_names[code] = str(area) if area else code
        return self.area_names[code]

    def clean_phone(self, value, errors):
        if value is None:
            return ""
        try:
            return normalise_phone(as_text(value))
        except ValidationError as error:
            errors["phone"] = error.messages[0]
            return ""

    def clean_common(self, values, errors):
        cleaned = {"name": as_text(values["name"])}
        if len(cleaned["name"]) > 50:
            errors["name"] = _("at most %(limit)d characters") % {"limit": 50}
        cleaned["area"] = self.clean_area(values, errors)
        cleaned["phone"] = self.clean_phone(values.get("phone"), errors)
        try:
            cleaned["sex"] = parse_choice(values.get("sex"), SEX, "sex", "")
        except ValidationError as error:
            errors.update({name: messages[0] for name, messages in error.message_dict.items()})
        return cleaned

    def check_id_number_facts(self, cleaned, errors, birth_date):
        """The row's ID number fills in, or contradicts, its sex (and birth date): the register's one rule."""
        try:
            check_id_number_facts(cleaned["id_number"], cleaned, birth_date=birth_date)
        except ValidationError as error:
            errors.update({name: messages[0] for name, messages in error.message_dict.items()})

    def add_error(self, row, name, message):
        if name == "area":  # the core names the area column; ours is whichever of grid/village the file has
            name = self.area_name(None)
        super().add_error(row, name, message)

    def new_person(self, cleaned, number):
        person = Person(
            name=cleaned["name"],
            area=cleaned["area"],
            area_path=cleaned["area"].path,
            phone=cleaned["phone"],
            address=cleaned.get("address", ""),
        )
        if number:
            person.id_number = number
            person.sex, person.birth_date = id_number_facts(number) if len(number) == 18 else ("unknown", None)
        if cleaned.get("sex"):
            person.sex = cleaned["sex"]
        if cleaned.get("birth_date"):
            person.birth_date = cleaned["birth_date"]
        return person

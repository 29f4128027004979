"""The register from a spreadsheet: arrivals (返乡人员登记表) and household residents.

Both importers read the headers people already use (DOMAIN.md), in any order, from xlsx, xls or CSV.
Rows are checked in chunks: the persons a chunk names are looked up by ID-number hash in one query,
origins and areas come from dictionaries built once, so a row costs no query. Arrivals are then
written in bulk, a chunk at a time (``ArrivalImporter.write_rows``), with the same effects as
``services.register_arrival``: an origin in a risk area in force on the arrival date flags the person.
"""

import datetime
import math
import re
from collections import defaultdict
from contextlib import closing
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.areas.models import Area, Division, pinyin_of
from fangkong.core import bulk, changelog, crypto, scope
from fangkong.core.imports import Column, Importer, ImportFileError, ImportResult, Outcome, Row, as_text, is_blank
from fangkong.core.imports import read_rows as read_file_rows
from fangkong.core.models import ChangeLogEntry
from fangkong.core.roles import Action
from fangkong.core.validators import (
    check_id_number_facts,
    id_number_facts,
    normalise_id_number,
    normalise_phone,
    not_in_future,
)

from . import services
from .models import Arrival, Household, KeyPersonTag, Person

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


def parse_date(value, column, today=None):
    """An Excel date cell, or text: 2020-01-25, 2020/1/25, 2020.1.25, 2020年1月25日, 20200125."""
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


class ArrivalImporter(RegisterImporter):
    """One arrival per row; the person is found by ID number or registered in the row's area."""

    model = Arrival
    columns = [
        Column("name", ("姓名", "name")),
        Column("id_number", ("身份证号", "身份证号码", "公民身份号码", "id number")),
        Column("sex", ("性别", "sex"), required=False),
        Column("phone", ("联系电话", "电话", "手机号", "手机号码", "phone"), required=False),
        Column("origin", ("来源地", "从何地返回", "来源地(省/市/县)", "origin")),
        Column("route", ("途经地", "route"), required=False),
        Column("arrived_on", ("返回日期", "返乡日期", "到达日期", "arrival date")),
        Column("transport", ("交通方式", "transport"), required=False),
        Column(
            "trip_number", ("车次/航班/车牌号", "车次航班车牌号", "车次/航班号/车牌号", "trip number"), required=False
        ),
        Column("address", ("居住地址", "现居住地址", "现住址", "address"), required=False),
        Column("reason", ("返回事由", "返乡事由", "reason"), required=False),
        Column("fever", ("是否发热", "fever"), required=False),
        Column("symptoms", ("是否有咳嗽等症状", "有无咳嗽等症状", "symptoms"), required=False),
        Column("contact", ("14天内是否接触病例", "是否接触病例", "contact with cases"), required=False),
        # The paper form's own date and registrar; the register also records who imported it and when.
        Column("registered_at", ("登记时间", "registered at"), required=False),
        Column("registrar", ("登记人", "registered by"), required=False),
        *AREA_COLUMNS,
    ]
    unique = ("id_number", "arrived_on", "origin")
    area_column = "area"
    filename = "arrivals"

    def __init__(self, user, today=None):
        super().__init__(user, today)
        self.divisions = Divisions()
        self.risk_areas = services.RiskAreas()
        self.tags = {tag.code: tag for tag in KeyPersonTag.objects.all()}
        self.user_label = services.user_label(user)

    def clean_row(self, values):
        errors = {}
        cleaned = self.clean_common(values, errors)
        cleaned["id_number"], cleaned["person"] = self.clean_id_number(values["id_number"], errors)
        person = cleaned["person"]
        if person is not None and "id_number" not in errors and person.name != cleaned["name"]:
            message = services.registered_to(person, cleaned["name"])
            self.tell_registered(errors, "name", message, self.hash_of(cleaned["id_number"]), person)
        self.check_id_number_facts(cleaned, errors, birth_date=False)
        for name, parse in (
            ("origin", lambda value: self.divisions.resolve(value, "origin")),
            ("arrived_on", lambda value: parse_date(value, "arrived_on", self.today)),
            ("transport", lambda value: parse_choice(value, TRANSPORT, "transport", Arrival.Transport.OTHER)),
            ("fever", lambda value: parse_yes_no(value, "fever")),
            ("symptoms", lambda value: parse_yes_no(value, "symptoms")),
            ("contact", lambda value: parse_yes_no(value, "contact")),
            ("route", lambda value: limited(value, Arrival, "route", "route")),
            ("trip_number", lambda value: limited(value, Arrival, "trip_number", "trip_number")),
            ("address", lambda value: limited(value, Arrival, "address", "address")),
            ("reason", lambda value: limited(value, Arrival, "reason", "reason")),
            ("registered_at", lambda value: value and parse_date(value, "registered_at", self.today)),
            ("registrar", lambda value: limited(value, Arrival, "registrar", "registrar")),
        ):
            try:
                cleaned[name] = parse(values.get(name))
            except ValidationError as error:
                errors.update({key: messages[0] for key, messages in error.message_dict.items()})
        if errors:
            raise ValidationError(errors)
        return cleaned

    def arrival_for(self, cleaned, person):
        arrival = Arrival(
            person=person,
            area=cleaned["area"],
            area_path=cleaned["area"].path,
            origin=cleaned["origin"],
            route=cleaned["route"],
            arrived_on=cleaned["arrived_on"],
            transport=cleaned["transport"],
            trip_number=cleaned["trip_number"],
            reason=cleaned["reason"],
            address=cleaned["address"],
            fever=cleaned["fever"],
            symptoms=cleaned["symptoms"],
            contact_with_cases=cleaned["contact"],
            registered_by=self.user if getattr(self.user, "is_authenticated", False) else None,
            registered_on=cleaned["registered_at"] or self.today,
            registrar=cleaned["registrar"] or self.user_label,
        )
        return arrival

    def write_row(self, cleaned):
        """One row through the services (the fallback when a chunk cannot be written in bulk)."""
        digest = crypto.lookup_hash(cleaned["id_number"])
        person = Person.objects.filter(id_number_hash=digest).first()
        if person is None:
            person = self.new_person(cleaned, cleaned["id_number"])
            person.save()
        elif Arrival.objects.filter(person=person, arrived_on=cleaned["arrived_on"], origin=cleaned["origin"]).exists():
            self.persons[digest] = person
            return Outcome.UNCHANGED
        self.persons[digest] = person
        services.register_arrival(self.arrival_for(cleaned, person), self.user)
        return Outcome.CREATED

    def write_rows(self, rows):
        try:
            with transaction.atomic():
                self.write_bulk(rows)
        except IntegrityError:  # someone registered one of these people meanwhile: row by row
            for row in rows:
                row.outcome = ""
            self.forget(rows)
            super().write_rows(rows)

    def forget(self, rows):
        for row in rows:
            self.persons.pop(self.hash_of(row.cleaned["id_number"]), None)

    def write_bulk(self, rows):
        now = timezone.now()
        new_persons = {}
        for row in rows:
            cleaned = row.cleaned
            digest = self.hash_of(cleaned["id_number"])
            person = self.persons.get(digest)
            if person is None and digest not in new_persons:
                person = self.new_person(cleaned, cleaned["id_number"])
                person.pinyin, person.initials = pinyin_of(person.name)
                person.created = person.last_updated = now
                new_persons[digest] = person
        if new_persons:
            bulk.insert(new_persons.values())
            changelog.record_many(list(new_persons.values()), ChangeLogEntry.Kind.CREATE)
            self.persons.update(new_persons)
        persons = [(row, self.persons[self.hash_of(row.cleaned["id_number"])]) for row in rows]
        new_ids = {person.pk for person in new_persons.values()}
        old_ids = {person.pk for _row, person in persons} - new_ids
        existing = set()
        if old_ids:
            existing = set(
                Arrival.objects.filter(person_id__in=old_ids).values_list("person_id", "arrived_on", "origin_id")
            )
        arrivals = []
        flags = defaultdict(set)
        for row, person in persons:
            cleaned = row.cleaned
            key = (person.pk, cleaned["arrived_on"], cleaned["origin"].pk)
            if key in existing:
                row.outcome = Outcome.UNCHANGED
                continue
            existing.add(key)
            arrival = self.arrival_for(cleaned, person)
            arrival.risk_area = self.risk_areas.find(cleaned["origin"], cleaned["arrived_on"])
            arrival.created = arrival.last_updated = now
            arrivals.append(arrival)
            row.outcome = Outcome.CREATED
            if arrival.risk_area is not None:
                flags[person].add(KeyPersonTag.FROM_RISK_AREA)
            if arrival.contact_with_cases:
                flags[person].add(KeyPersonTag.CLOSE_CONTACT)
            if arrival.fever:
                flags[person].add(KeyPersonTag.FEVER)
        if arrivals:
            bulk.insert(arrivals)
            changelog.record_many(arrivals, ChangeLogEntry.Kind.CREATE)
        if flags:
            services.add_tags_in_bulk(flags, self.tags)


class PersonImporter(RegisterImporter):
    """Household residents: households by (area, address), persons deduplicated by ID number."""

    model = Person
    columns = [
        Column("name", ("姓名", "name")),
        Column("id_number", ("身份证号", "身份证号码", "公民身份号码", "id number"), required=False),
        Column("sex", ("性别", "sex"), required=False),
        Column("birth_date", ("出生日期", "出生年月", "birth date"), required=False),
        Column("phone", ("联系电话", "电话", "手机号", "手机号码", "phone"), required=False),
        Column("address", ("户籍地址", "居住地址", "家庭住址", "住址", "address")),
        Column("head", ("户主", "户主姓名", "household head"), required=False),
        Column("relation", ("与户主关系", "relation to head"), required=False),
        *AREA_COLUMNS,
    ]
    unique = ("id_number", "name", "address")
    area_column = "area"
    filename = "residents"
    chunk_size = 500
    batch_size = 500

    def __init__(self, user, today=None):
        super().__init__(user, today)
        self.households = {}  # (area id, address) -> Household or None

    def clean_row(self, values):
        errors = {}
        cleaned = self.clean_common(values, errors)
        cleaned["id_number"], cleaned["person"] = self.clean_id_number(values.get("id_number"), errors, False)
        person = cleaned["person"]
        if person is not None and "id_number" not in errors and not self.may_change(person):
            message = self.view_only_error(person)
            self.tell_registered(errors, "id_number", message, self.hash_of(cleaned["id_number"]), person)
        cleaned["address"] = as_text(values["address"])
        if len(cleaned["address"]) > 200:
            errors["address"] = _("at most %(limit)d characters") % {"limit": 200}
        cleaned["birth_date"] = None
        if values.get("birth_date") is not None:
            try:
                cleaned["birth_date"] = parse_date(values["birth_date"], "birth_date", self.today)
            except ValidationError as error:
                errors.update({key: messages[0] for key, messages in error.message_dict.items()})
        cleaned["head"] = as_text(values.get("head"))
        try:
            cleaned["relation"] = limited(values.get("relation"), Person, "relation_to_head", "relation")
        except ValidationError as error:
            errors.update({key: messages[0] for key, messages in error.message_dict.items()})
        self.check_id_number_facts(cleaned, errors, birth_date=True)
        if errors:
            raise ValidationError(errors)
        return cleaned

    def household_for(self, area, address, create):
        key = (area.pk, address)
        if self.households.get(key) is None:
            self.households[key] = Household.objects.filter(area=area, address=address).first()
        if self.households[key] is None and create:
            self.households[key] = Household.objects.create(area=area, address=address)
        return self.households[key]

    def write_row(self, cleaned):
        area, number = cleaned["area"], cleaned["id_number"]
        household = self.household_for(area, cleaned["address"], create=True)
        person = Person.objects.filter(id_number_hash=crypto.lookup_hash(number)).first() if number else None
        if person is None and not number:
            person = household.members.filter(name=cleaned["name"], id_number_hash__isnull=True).first()
        if person is not None and not self.may_change(person):
            # Registered meanwhile, or a member of this household found by name, in an area the user only sees.
            raise ValidationError({"name" if not number else "id_number": self.view_only_error(person)})
        if person is None:
            person = self.new_person(cleaned, number)
            person.household = household
            person.relation_to_head = cleaned["relation"]
            person.save()
            if number:
                self.persons[person.id_number_hash] = person
            self.note_head(household, person, cleaned)
            return Outcome.CREATED
        changed = False
        for field, value in (
            ("household", household),
            ("phone", cleaned["phone"]),
            ("address", cleaned["address"]),
            ("relation_to_head", cleaned["relation"]),
        ):
            if value and not getattr(person, field):
                setattr(person, field, value)
                changed = True
        if cleaned["birth_date"] and not person.birth_date:
            person.birth_date, changed = cleaned["birth_date"], True
        if changed:
            person.save()
        if self.note_head(household, person, cleaned):
            changed = True
        return Outcome.UPDATED if changed else Outcome.UNCHANGED

    def note_head(self, household, person, cleaned):
        """The household's head is the member whose relation is 户主, or who is named in the 户主 column."""
        is_head = cleaned["relation"] in HEAD_RELATIONS or (cleaned["head"] and cleaned["head"] == person.name)
        if not is_head or household.head_id is not None or person.household_id != household.pk:
            return False
        household.head = person
        services.save_household(household)
        return True


IMPORTERS = {"arrivals": ArrivalImporter, "persons": PersonImporter}

"""Household residents: households by area and address, persons deduplicated by ID number."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fangkong.core import crypto
from fangkong.core.imports import Column, Outcome, as_text

from .. import difficulties, services
from ..models import Household, Person
from .shared import AREA_COLUMNS, HEAD_RELATIONS, RegisterImporter, limited, parse_date


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
        Column("difficulties", ("困难类型", "困难群众类别", "帮扶类别", "difficulties"), required=False),
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
        try:
            cleaned["difficulties"] = difficulties.parse(values.get("difficulties"))
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
        household_changed = self.note_difficulties(household, cleaned["difficulties"])
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
        if self.note_head(household, person, cleaned) or household_changed:
            changed = True
        return Outcome.UPDATED if changed else Outcome.UNCHANGED

    def note_difficulties(self, household, codes):
        """The kinds named on a member's row are added to the household's (a sheet lists them on any
        member's row, or on each): an import adds kinds and never takes one off."""
        added = [code for code in codes if not getattr(household, code)]
        if not added:
            return False
        difficulties.apply(household, [*difficulties.of(household), *added])
        services.save_household(household)
        return True

    def note_head(self, household, person, cleaned):
        """The household's head is the member whose relation is 户主, or who is named in the 户主 column."""
        is_head = cleaned["relation"] in HEAD_RELATIONS or (cleaned["head"] and cleaned["head"] == person.name)
        if not is_head or household.head_id is not None or person.household_id != household.pk:
            return False
        household.head = person
        services.save_household(household)
        return True

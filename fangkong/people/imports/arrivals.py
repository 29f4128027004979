"""Arrivals (返乡人员登记表): one arrival per row, written in bulk."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from fangkong.areas.models import pinyin_of
from fangkong.areas.services import RiskAreas
from fangkong.core import bulk, changelog, crypto
from fangkong.core.imports import Column, Outcome
from fangkong.core.models import ChangeLogEntry

from .. import services
from ..models import Arrival, KeyPersonTag, Person
from .shared import (
    AREA_COLUMNS,
    TRANSPORT,
    Divisions,
    RegisterImporter,
    limited,
    parse_choice,
    parse_date,
    parse_yes_no,
)


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
        self.risk_areas = RiskAreas()
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
        if arrivals:
            bulk.insert(arrivals)
            changelog.record_many(arrivals, ChangeLogEntry.Kind.CREATE)
        if flags:
            services.add_tags_in_bulk(flags, self.tags)

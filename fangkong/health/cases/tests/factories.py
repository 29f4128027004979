"""Facilities, transfers, cases and contacts for tests, in the areas of fangkong.core.testing.make_tree()."""

import datetime

from django.utils import timezone

from fangkong.health.cases import services
from fangkong.health.cases.models import Case, Classification, Contact, Disinfection, Facility, Sample, Transfer
from fangkong.people.tests.factories import id_number, make_person


def make_facility(area, name="丹凤县医院", kind=Facility.Kind.HOSPITAL):
    return Facility.objects.create(area=area, name=name, kind=kind, address="丹凤县城关镇", phone="0914-3322110")


def make_transfer(person, facility):
    record = Transfer(
        person=person, facility=facility, transferred_at=timezone.now(), vehicle="陕H 120", escort="李医生"
    )
    return services.transfer(record, None)


def make_case(person=None, area=None, classification=Classification.SUSPECTED, delay=datetime.timedelta(hours=1)):
    person = person or make_person(area, name="王病例", number=id_number())
    diagnosed = timezone.now() - datetime.timedelta(hours=5)
    case = Case(person=person, classification=classification, diagnosed_at=diagnosed, reported_at=diagnosed + delay)
    return services.report_case(case, None)


def make_contact(person, last_contact_on=None, source_case=None, source_person=None, user=None):
    contact = Contact(
        person=person,
        source_case=source_case,
        source_person=source_person,
        setting=Contact.Setting.HOUSEHOLD,
        last_contact_on=last_contact_on or timezone.localdate() - datetime.timedelta(days=1),
    )
    return services.record_contact(contact, user)


def make_sample(person, days_ago=1):
    sample = Sample(person=person, taken_on=timezone.localdate() - datetime.timedelta(days=days_ago))
    return services.save_sample(sample)


def make_disinfection(episode):
    return services.record_disinfection(Disinfection(episode=episode, done_on=timezone.localdate(), done_by="消杀队"))

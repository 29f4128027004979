"""Key-person categories on a person, one at a time or in bulk."""

from collections import defaultdict

from fangkong.core import changelog
from fangkong.core.models import ChangeLogEntry, snapshot

from ..models import KeyPersonTag, Person


def add_tags(person, *codes):
    """Flag a person with key-person categories, logging the change like any field."""
    tags = list(KeyPersonTag.objects.filter(code__in=codes).exclude(person=person))
    if tags:
        before = tag_codes(person)
        person.tags.add(*tags)
        _log_tags(person, before)


def set_tags(person, tags):
    before = tag_codes(person)
    person.tags.set(tags)
    _log_tags(person, before)


def tag_codes(person):
    return sorted(person.tags.values_list("code", flat=True))


def _log_tags(person, before):
    after = tag_codes(person)
    if before != after:
        changelog.record(
            person, ChangeLogEntry.Kind.UPDATE, before={**snapshot(person), "tags": before}, after_extra={"tags": after}
        )


def add_tags_in_bulk(flags, tags=None):
    """Flag many persons at once: ``flags`` maps a person to category codes. One insert into the
    tags table, one change-log entry for each person whose categories changed."""
    if not flags:
        return
    tags = tags or {tag.code: tag for tag in KeyPersonTag.objects.all()}
    through = Person.tags.through
    before = defaultdict(set)
    for person_id, code in through.objects.filter(person_id__in=[p.pk for p in flags]).values_list(
        "person_id", "keypersontag__code"
    ):
        before[person_id].add(code)
    links, entries = [], []
    for person, codes in flags.items():
        added = {code for code in codes if code in tags} - before[person.pk]
        if not added:
            continue
        links.extend(through(person_id=person.pk, keypersontag_id=tags[code].pk) for code in added)
        data = snapshot(person)
        tags_before, tags_after = sorted(before[person.pk]), sorted(before[person.pk] | added)
        entries.append((person, {**data, "tags": tags_before}, {**data, "tags": tags_after}))
    through.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)
    changelog.insert_entries(ChangeLogEntry.Kind.UPDATE, entries)

"""Key-person categories on a person, one at a time or in bulk."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core import changelog
from fangkong.core.models import ChangeLogEntry, snapshot

from ..models import KeyPersonTag, Person

# Why each derived category cannot be set by hand: what it is derived from.
DERIVED_FROM = {
    KeyPersonTag.FEVER: gettext_lazy("a fever at a check, or reported at arrival or screening, not ruled out"),
    KeyPersonTag.UNDER_OBSERVATION: gettext_lazy("an open observation episode: open one from the person's page"),
}


def check_hand_set(codes, field="tags"):
    """Refuse the derived categories (``KeyPersonTag.DERIVED``), naming the field: whatever the
    path (form, API, import, service), a category set by hand cannot contradict the records."""
    derived = sorted(set(codes) & KeyPersonTag.DERIVED)
    if derived:
        tags = {tag.code: tag for tag in KeyPersonTag.objects.filter(code__in=derived)}
        raise ValidationError(
            {
                field: [
                    _("“%(name)s” is derived from the records (%(source)s) and cannot be set by hand.")
                    % {"name": tags.get(code, code), "source": DERIVED_FROM[code]}
                    for code in derived
                ]
            }
        )


def add_tags(person, *codes):
    """Flag a person with key-person categories, logging the change like any field."""
    check_hand_set(codes)
    tags = list(KeyPersonTag.objects.filter(code__in=codes).exclude(person=person))
    if tags:
        before = tag_codes(person)
        person.tags.add(*tags)
        _log_tags(person, before)


def set_tags(person, tags):
    check_hand_set([tag.code for tag in tags])
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
    check_hand_set({code for codes in flags.values() for code in codes})
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

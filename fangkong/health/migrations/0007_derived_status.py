"""The categories "fever" and "under observation" become derived from the records (health.status).

The rows that set them by hand are removed; what each one said is kept as a record, so nobody's
status is quietly lost:

- under observation, with an open episode: the episode says it already.
- under observation, without one: an episode is opened (home, reason "other"), starting on the day
  the category was set (from the change log; today if the log does not say), under the protocol in
  force then. The person stays on today's work, and on the overdue list if the days have passed,
  until an officer releases them: they were said to be observed, and now someone does.
- fever, with a fever check, a fever at arrival or a screening visit that found it: those records say it.
- fever, otherwise, in a household whose latest screening visit found fever or symptoms: the person
  is named on that visit (the visit kept no names before; the category was its record).
- fever, otherwise: nothing recorded a temperature, and none is invented. An episode is opened as
  above (unless one is open), so that a real temperature is taken at the next check window; a fever
  then makes the person red and raises an alert, which the category never did.

Each person's change is logged (source "migration") with the categories before and after and what
was done, so the log shows where each category went.
"""

import datetime

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

FEVER, UNDER_OBSERVATION = "fever", "under_observation"
NOTES = {
    "episode": "类别改为由记录推导：已开启观察 / category now derived: an observation episode was opened",
    "visit": "类别改为由记录推导：记入排查发现的发热人员 / category now derived: named on the screening visit",
    "records": "类别改为由记录推导：已有记录 / category now derived: the records already say it",
    "no_protocol": "类别改为由记录推导：无观察方案，未能开启观察 / category now derived: no protocol to open an episode",
}


def tag_set_on(entries, code):
    """The day the category was last set, from the person's change-log entries (newest first)."""
    for entry in entries:
        before = (entry.before or {}).get("tags") or []
        after = (entry.after or {}).get("tags") or []
        if code in after and code not in before:
            return timezone.localtime(entry.time).date()
    return None


def open_episode(apps, person, start_on):
    Episode = apps.get_model("health", "Episode")
    Protocol = apps.get_model("health", "Protocol")
    protocol = (
        Protocol.objects.filter(effective_from__lte=start_on).order_by("-effective_from").first()
        or Protocol.objects.order_by("effective_from").first()
    )
    if protocol is None:
        return None
    episode = Episode(
        person=person,
        area_id=person.area_id,
        area_path=person.area_path,
        kind="home",
        reason="other",
        start_on=start_on,
        planned_end_on=start_on + datetime.timedelta(days=protocol.days_other),
        protocol=protocol,
    )
    # Without signals: the migration writes its own log entry, with the area and the reason.
    return Episode.objects.bulk_create([episode])[0]


def has_fever_record(apps, person):
    Check = apps.get_model("health", "Check")
    Arrival = apps.get_model("people", "Arrival")
    return (
        Check.objects.filter(person=person, is_fever=True).exists()
        or Arrival.objects.filter(person=person, fever=True).exists()
        or person.fever_visits.exists()
    )


def retire_derived_tags(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    Tag = apps.get_model("people", "KeyPersonTag")
    Episode = apps.get_model("health", "Episode")
    ScreeningVisit = apps.get_model("people", "ScreeningVisit")
    ChangeLogEntry = apps.get_model("core", "ChangeLogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    through = Person.tags.through
    derived = list(Tag.objects.filter(code__in=[FEVER, UNDER_OBSERVATION]))
    links = through.objects.filter(keypersontag__in=derived)
    person_ids = sorted(set(links.values_list("person_id", flat=True)))
    if not person_ids:
        return
    person_type, _created = ContentType.objects.get_or_create(app_label="people", model="person")
    episode_type, _created = ContentType.objects.get_or_create(app_label="health", model="episode")
    today = timezone.localdate()
    log = []

    def entry(content_type, kind, record, repr_, before, after):
        log.append(
            ChangeLogEntry(
                request_id="migration:health.0007_derived_status",
                source="migration",
                kind=kind,
                content_type=content_type,
                object_id=str(record.pk),
                object_repr=str(repr_)[:200],
                area_path=record.area_path,
                before=before,
                after=after,
            )
        )

    for person in Person.objects.filter(pk__in=person_ids).order_by("pk").iterator():
        codes = sorted(person.tags.values_list("code", flat=True))
        history = list(
            ChangeLogEntry.objects.filter(content_type=person_type, object_id=str(person.pk)).order_by("-time", "-id")
        )
        notes = []
        opened = Episode.objects.filter(person=person, ended_on__isnull=True).first()
        needs_episode = None  # the code whose date starts the episode
        if UNDER_OBSERVATION in codes:
            if opened is not None:
                notes.append(NOTES["records"])
            else:
                needs_episode = UNDER_OBSERVATION
        if FEVER in codes:
            visit = (
                ScreeningVisit.objects.filter(household_id=person.household_id, symptoms_found=True)
                .order_by("-visited_on", "-id")
                .first()
                if person.household_id
                else None
            )
            if has_fever_record(apps, person):
                notes.append(NOTES["records"])
            elif visit is not None:
                visit.fever_members.add(person)
                notes.append(NOTES["visit"])
            elif opened is not None:
                notes.append(NOTES["records"])
            else:
                needs_episode = needs_episode or FEVER
        if needs_episode is not None:
            start_on = min(tag_set_on(history, needs_episode) or today, today)
            episode = open_episode(apps, person, start_on)
            if episode is None:
                notes.append(NOTES["no_protocol"])
            else:
                notes.append(NOTES["episode"])
                after = {
                    "person_id": person.pk,
                    "kind": "home",
                    "reason": "other",
                    "start_on": episode.start_on.isoformat(),
                    "planned_end_on": episode.planned_end_on.isoformat(),
                    "protocol_id": episode.protocol_id,
                }
                entry(episode_type, "create", episode, f"{person.name} {episode.start_on:%Y-%m-%d}", None, after)
        kept = [code for code in codes if code not in (FEVER, UNDER_OBSERVATION)]
        note = "; ".join(dict.fromkeys(notes))
        entry(person_type, "update", person, person.name, {"tags": codes}, {"tags": kept, "note": note})
    links.delete()
    ChangeLogEntry.objects.bulk_create(log, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0003_load_national_divisions"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0002_jobs_and_notifications"),
        ("health", "0006_sites"),
        ("people", "0006_visit_fever_members"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="check",
            index=models.Index(
                condition=models.Q(("is_fever", True)), fields=["person", "taken_at"], name="check_fever_person"
            ),
        ),
        migrations.RunPython(retire_derived_tags, migrations.RunPython.noop),
    ]

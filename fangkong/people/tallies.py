"""The households figures of the daily reports, kept as running tallies.

Counting a city's 640,000 households, and which of them were screened (an ``EXISTS`` over their
visits), took seconds per report. ``HouseholdTally`` holds instead, per area path and day, how many
households were registered that day and how the number screened changed that day; a figure of a day
is the sum of the changes up to it (``people.indicators``), a few thousand rows for a city.

``refresh(household_ids)`` is the one place that moves the tallies: it computes what each household
adds now (its area, the day it was registered and the days it counts as screened, by the same rule as
``people.indicators.screened_then``) and applies the difference from what its ``HouseholdLedger`` row
says it added before. It runs in the transaction of every change that can move a figure (the signal
receivers below: a household saved or deleted, a visit saved or deleted, a round's dates changed), so
the tallies are never out of step with the records. Writes that send no signals (``bulk_create``,
``core.bulk.insert``, SQL) must call ``rebuild()`` or ``refresh()`` themselves; ``manage.py
rebuild_tallies`` recomputes everything from the records (after such a load, or a change of TIME_ZONE).
"""

import datetime
from collections import Counter

from django.apps import apps as installed_apps
from django.db import connections, router, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

ONE_DAY = datetime.timedelta(days=1)
CHUNK = 2000


def _models(apps):
    return (
        apps.get_model("people", "Household"),
        apps.get_model("people", "ScreeningVisit"),
        apps.get_model("people", "HouseholdTally"),
        apps.get_model("people", "HouseholdLedger"),
    )


def union(spans):
    """The union of day spans [(first, last or None for open-ended)], as disjoint sorted spans."""
    merged = []
    for first, last in sorted(spans, key=lambda span: span[0]):
        if merged:
            previous_first, previous_last = merged[-1]
            if previous_last is None or first <= previous_last + ONE_DAY:
                longer = None if previous_last is None or last is None else max(previous_last, last)
                merged[-1] = (previous_first, longer)
                continue
        merged.append((first, last))
    return merged


def screened_spans(registered_on, visits):
    """The days a household counts as screened, from its visits (visited_on, round opened, round closed):
    a visit counts from the day it was made, its round was open and the household was registered, to
    the day its round was closed (inclusive), or for as long as the round stays open."""
    spans = []
    for visited_on, opened_on, closed_on in visits:
        first = max(visited_on, opened_on, registered_on)
        if closed_on is None or first <= closed_on:
            spans.append((first, closed_on))
    return union(spans)


def current(household_ids, apps=installed_apps):
    """{household id: (area path, registered on, screened spans)} of the households that exist."""
    household_model, visit_model, _tally, _ledger = _models(apps)
    found = {
        pk: (area_path, timezone.localdate(created), [])
        for pk, area_path, created in household_model.objects.filter(pk__in=household_ids).values_list(
            "pk", "area_path", "created"
        )
    }
    visits = visit_model.objects.filter(household_id__in=list(found)).values_list(
        "household_id", "visited_on", "round__opened_on", "round__closed_on"
    )
    for household_id, *visit in visits:
        found[household_id][2].append(tuple(visit))
    return {pk: (path, day, screened_spans(day, visits)) for pk, (path, day, visits) in found.items()}


def _add(changes, state, sign):
    area_path, registered_on, spans = state
    changes[(area_path, registered_on, "households")] += sign
    for first, last in spans:
        changes[(area_path, first, "screened")] += sign
        if last is not None:
            changes[(area_path, last + ONE_DAY, "screened")] -= sign


def _ledger_row(ledger_model, household_id, state):
    area_path, registered_on, spans = state
    screened = [[first.isoformat(), last and last.isoformat()] for first, last in spans]
    return ledger_model(household_id=household_id, area_path=area_path, registered_on=registered_on, screened=screened)


def _ledger_state(ledger):
    spans = [
        (datetime.date.fromisoformat(first), None if last is None else datetime.date.fromisoformat(last))
        for first, last in ledger.screened
    ]
    return ledger.area_path, ledger.registered_on, spans


def _apply(changes, apps):
    """Add the changes to the tally rows (created at zero where missing), in key order (no deadlock)."""
    _household, _visit, tally_model, _ledger = _models(apps)
    rows = {}
    for (area_path, day, column), number in changes.items():
        if number:
            rows.setdefault((area_path, day), {"households": 0, "screened": 0})[column] += number
    if not rows:
        return
    connection = connections[router.db_for_write(tally_model)]
    quote = connection.ops.quote_name
    table = quote(tally_model._meta.db_table)
    sql = (
        f"INSERT INTO {table} (area_path, day, households, screened) VALUES (%s, %s, %s, %s) "  # noqa: S608
        f"ON CONFLICT (area_path, day) DO UPDATE SET households = {table}.households + excluded.households, "
        f"screened = {table}.screened + excluded.screened"
    )
    with connection.cursor() as cursor:
        values = [(path, day, n["households"], n["screened"]) for (path, day), n in sorted(rows.items())]
        cursor.executemany(sql, values)


def refresh(household_ids, apps=installed_apps):
    """Bring the tallies in line with these households as they are now (existing or deleted)."""
    household_ids = sorted(set(household_ids))
    if not household_ids:
        return
    household_model, _visit, _tally, ledger_model = _models(apps)
    with transaction.atomic(savepoint=False):
        for start in range(0, len(household_ids), CHUNK):
            chunk = household_ids[start : start + CHUNK]
            # Two changes of one household at once (two visits) take their turns.
            list(household_model.objects.select_for_update().filter(pk__in=chunk).values_list("pk", flat=True))
            ledgers = {ledger.household_id: ledger for ledger in ledger_model.objects.filter(household_id__in=chunk)}
            now = current(chunk, apps)
            changes = Counter()
            for pk in chunk:
                before = ledgers.get(pk)
                after = now.get(pk)
                before_state = _ledger_state(before) if before else None
                if before_state == after:
                    continue
                if before_state:
                    _add(changes, before_state, -1)
                if after:
                    _add(changes, after, +1)
            _apply(changes, apps)
            ledger_model.objects.filter(household_id__in=[pk for pk in chunk if pk not in now]).delete()
            fresh = [
                _ledger_row(ledger_model, pk, state)
                for pk, state in now.items()
                if not ledgers.get(pk) or _ledger_state(ledgers[pk]) != state
            ]
            ledger_model.objects.bulk_create(
                fresh,
                update_conflicts=True,
                unique_fields=["household_id"],
                update_fields=["area_path", "registered_on", "screened"],
            )


def rebuild(apps=installed_apps):
    """Recompute every tally from the records (what ``manage.py rebuild_tallies`` runs): each tally row
    and each ledger row written once, while changes made meanwhile wait (PostgreSQL: the tables locked)."""
    household_model, _visit, tally_model, ledger_model = _models(apps)
    connection = connections[router.db_for_write(tally_model)]
    with transaction.atomic(using=connection.alias):
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in (tally_model, ledger_model))
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")  # noqa: S608 (our own table names)
        tally_model.objects.all().delete()
        ledger_model.objects.all().delete()
        ids = list(household_model.objects.order_by("pk").values_list("pk", flat=True))
        changes = Counter()
        for start in range(0, len(ids), CHUNK):
            now = current(ids[start : start + CHUNK], apps)
            for state in now.values():
                _add(changes, state, +1)
            ledger_model.objects.bulk_create(_ledger_row(ledger_model, pk, state) for pk, state in now.items())
        _apply(changes, apps)


def tallies_match(apps=installed_apps):
    """True when the tallies equal what ``rebuild`` would make (for tests and the health of a database)."""
    _household, _visit, tally_model, _ledger = _models(apps)

    def totals():
        return {
            (row.area_path, row.day): (row.households, row.screened)
            for row in tally_model.objects.all()
            if row.households or row.screened
        }

    kept = totals()
    with transaction.atomic():
        rebuild(apps)
        rebuilt = totals()
        transaction.set_rollback(True)
    return kept == rebuilt


@receiver(post_save, sender="people.Household")
def household_saved(sender, instance, created, raw=False, **kwargs):
    """A new household adds one to its day (it has no visits yet); a saved one moves its figures only
    when it moved to another area."""
    if raw:
        return
    _household, _visit, _tally, ledger_model = _models(installed_apps)
    registered_on = timezone.localdate(instance.created)
    if created:
        changes = Counter({(instance.area_path, registered_on, "households"): 1})
        with transaction.atomic(savepoint=False):  # joins the save's transaction, as a failure undoes both
            _apply(changes, installed_apps)
            ledger_model.objects.create(
                household_id=instance.pk, area_path=instance.area_path, registered_on=registered_on
            )
        return
    unchanged = ledger_model.objects.filter(
        household_id=instance.pk, area_path=instance.area_path, registered_on=registered_on
    )
    if not unchanged.exists():
        refresh([instance.pk])


@receiver(post_delete, sender="people.Household")
def household_deleted(sender, instance, **kwargs):
    refresh([instance.pk])


@receiver(post_save, sender="people.ScreeningVisit")
@receiver(post_delete, sender="people.ScreeningVisit")
def visit_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh([instance.household_id])


@receiver(post_save, sender="people.ScreeningRound")
def round_changed(sender, instance, created, raw=False, **kwargs):
    """A round's dates bound its visits' spans: closing it ends them. (Deleting it deletes its visits
    first, each taken back by ``visit_changed``.)"""
    if not raw and not created:
        refresh(instance.visits.values_list("household_id", flat=True))

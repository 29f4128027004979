"""The change log: one entry per created, updated or deleted record, from any path.

Saves and deletes of change-logged models are caught by signals; bulk paths (imports, commands)
call ``record_many`` with the objects they wrote.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .context import current
from .models import ChangeLogEntry, ChangeLoggedMixin, snapshot


def _entry(instance, kind, before, after):
    ctx = current()
    actor = ctx.actor
    return ChangeLogEntry(
        user=actor,
        user_name=actor.get_username() if actor else "",
        request_id=ctx.request_id,
        source=ctx.source,
        kind=kind,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        area_path=instance.get_scope_path() or "",
        before=before,
        after=after,
    )


def record(instance, kind, before=None):
    after = None if kind == ChangeLogEntry.Kind.DELETE else snapshot(instance)
    if kind == ChangeLogEntry.Kind.DELETE:
        before = snapshot(instance)
    if kind == ChangeLogEntry.Kind.UPDATE and before == after:
        return None
    entry = _entry(instance, kind, before, after)
    entry.save()
    instance._loaded_snapshot = after
    return entry


def record_many(instances, kind, befores=None):
    """Log a bulk write in one insert. ``befores`` maps pk to the snapshot before an update."""
    entries = []
    for instance in instances:
        before = (befores or {}).get(instance.pk)
        after = snapshot(instance)
        entries.append(_entry(instance, kind, before, after))
        instance._loaded_snapshot = after
    ChangeLogEntry.objects.bulk_create(entries, batch_size=1000)
    return entries


@receiver(post_save)
def log_save(sender, instance, created, raw=False, **kwargs):
    if raw or not isinstance(instance, ChangeLoggedMixin):
        return
    if created:
        record(instance, ChangeLogEntry.Kind.CREATE)
    else:
        record(instance, ChangeLogEntry.Kind.UPDATE, before=instance.loaded_snapshot())


@receiver(post_delete)
def log_delete(sender, instance, **kwargs):
    if isinstance(instance, ChangeLoggedMixin):
        record(instance, ChangeLogEntry.Kind.DELETE)

"""The change log: one entry per created, updated or deleted record, from any path.

Saves and deletes of change-logged models are caught by signals; bulk paths (imports, commands)
call ``record_many`` with the objects they wrote.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from . import bulk
from .context import current
from .models import ChangeLogEntry, ChangeLoggedMixin, snapshot


def record(instance, kind, before=None, after_extra=None):
    """Log one save or delete; returns whether an entry was written (an update that changed nothing
    is not). ``after_extra`` adds to the entry's "after" what the record's own snapshot lacks (its tags)."""
    after = None if kind == ChangeLogEntry.Kind.DELETE else snapshot(instance)
    if kind == ChangeLogEntry.Kind.DELETE:
        before = snapshot(instance)
    if kind == ChangeLogEntry.Kind.UPDATE and before == after and not after_extra:
        return False
    insert_entries(kind, [(instance, before, after if after_extra is None else {**after, **after_extra})])
    instance._loaded_snapshot = after
    return True


def record_many(instances, kind, befores=None):
    """Log a bulk write in one insert. ``befores`` maps pk to the snapshot before an update."""
    befores = befores or {}
    entries = []
    for instance in instances:
        after = snapshot(instance)
        entries.append((instance, befores.get(instance.pk), after))
        instance._loaded_snapshot = after
    insert_entries(kind, entries)


# The entry's columns that insert_entries fills; the rest of its fields are the id and the time.
ENTRY_FIELDS = ["time", "user_id", "user_name", "request_id", "source", "kind"]
ENTRY_FIELDS += ["content_type", "object_id", "object_repr", "area_path", "before", "after"]


def insert_entries(kind, entries):
    """One change-log entry per (instance, before, after), inserted without building model instances:
    an import logs hundreds of thousands of them."""
    if not entries:
        return
    ctx = current()
    actor = ctx.actor
    common = (timezone.now(), actor.pk if actor else None, actor.get_username() if actor else "")
    common += (ctx.request_id, ctx.source, kind)
    content_types = {}
    rows = []
    for instance, before, after in entries:
        model = type(instance)
        if model not in content_types:
            content_types[model] = ContentType.objects.get_for_model(model, for_concrete_model=False).pk
        object_fields = (str(instance.pk), str(instance)[:200], instance.get_scope_path() or "", before, after)
        rows.append((*common, content_types[model], *object_fields))
    fields = [ChangeLogEntry._meta.get_field(name) for name in ENTRY_FIELDS]
    bulk.insert_rows(ChangeLogEntry, fields, rows)


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

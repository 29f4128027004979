from django.db import migrations, models

from fangkong.core import crypto


def fill_masked_numbers(apps, schema_editor):
    """Registered numbers get their masked form, decrypted once here instead of on every list."""
    Person = apps.get_model("people", "Person")
    batch = []
    for person in Person.objects.exclude(id_number_encrypted="").only("id_number_encrypted").iterator(2000):
        person.id_number_masked = crypto.mask_id_number(crypto.decrypt(person.id_number_encrypted))
        batch.append(person)
        if len(batch) == 2000:
            Person.objects.bulk_update(batch, ["id_number_masked"])
            batch = []
    Person.objects.bulk_update(batch, ["id_number_masked"])


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_builtin_tags"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="id_number_masked",
            field=models.CharField(blank=True, editable=False, max_length=18),
        ),
        migrations.RunPython(fill_masked_numbers, migrations.RunPython.noop),
    ]

"""Markets and their inspections (市场保供与巡查); the first basket of goods whose prices inspectors
record (commanders change it)."""


import django.core.validators
import django.db.models.deletion
import fangkong.core.models
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


BASKET = [
    ("pork", "猪肉", "pork", "斤", 10),
    ("vegetables", "蔬菜（大白菜）", "vegetables (Chinese cabbage)", "斤", 20),
    ("rice", "大米", "rice", "斤", 30),
    ("flour", "面粉", "flour", "斤", 40),
    ("oil", "食用油", "cooking oil", "升", 50),
    ("eggs", "鸡蛋", "eggs", "斤", 60),
    ("masks", "一次性医用口罩", "disposable medical masks", "只", 70),
    ("alcohol", "75% 酒精", "75% alcohol", "瓶", 80),
]


def load(apps, schema_editor):
    # bulk_create sends no signals: reference data loaded by a migration has no change-log entries.
    item_model = apps.get_model("supplies", "BasketItem")
    known = set(item_model.objects.values_list("code", flat=True))
    item_model.objects.bulk_create(
        item_model(code=code, name=name, name_en=name_en, unit=unit, position=position)
        for code, name, name_en, unit, position in BASKET
        if code not in known
    )



class Migration(migrations.Migration):

    dependencies = [
        ('areas', '0003_load_national_divisions'),
        ('supplies', '0002_catalogue'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='BasketItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=32, unique=True, verbose_name='code')),
                ('name', models.CharField(max_length=50, verbose_name='name')),
                ('name_en', models.CharField(blank=True, max_length=50, verbose_name='English name')),
                ('unit', models.CharField(help_text='The unit priced, e.g. 斤, 只.', max_length=10, verbose_name='unit')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                ('jump_percent', models.PositiveSmallIntegerField(default=20, help_text="A price up more than this on the same area's a week earlier is flagged.", validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(1000)], verbose_name='price jump (%)')),
                ('highest_price', models.DecimalField(decimal_places=2, default=Decimal('1000'), help_text='A price above it is refused as a typing error.', max_digits=10, validators=[django.core.validators.MinValueValidator(Decimal('0.01')), django.core.validators.MaxValueValidator(Decimal('100000'))], verbose_name='highest plausible price (yuan)')),
                ('active', models.BooleanField(default=True, verbose_name='in use')),
            ],
            options={
                'verbose_name': 'basket item',
                'verbose_name_plural': 'basket items',
                'ordering': ['position', 'code'],
            },
            bases=(fangkong.core.models.ChangeLoggedMixin, models.Model),
        ),
        migrations.CreateModel(
            name='Market',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('last_updated', models.DateTimeField(auto_now=True, verbose_name='last updated')),
                ('area_path', fangkong.core.models.PathField(editable=False, max_length=255, verbose_name='area path')),
                ('name', models.CharField(max_length=100, verbose_name='name')),
                ('kind', models.CharField(choices=[('market', "farmers' market"), ('supermarket', 'supermarket'), ('pharmacy', 'pharmacy'), ('shop', 'shop')], default='market', max_length=12, verbose_name='kind')),
                ('address', models.CharField(max_length=200, verbose_name='address')),
                ('contact', models.CharField(blank=True, max_length=50, verbose_name='contact person')),
                ('phone', models.CharField(blank=True, max_length=20, verbose_name='phone')),
                ('active', models.BooleanField(default=True, verbose_name='in use')),
                ('area', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='areas.area', verbose_name='area')),
            ],
            options={
                'verbose_name': 'market',
                'verbose_name_plural': 'markets',
                'ordering': ['area_path', 'name'],
            },
            bases=(fangkong.core.models.ChangeLoggedMixin, models.Model),
        ),
        migrations.CreateModel(
            name='Inspection',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('last_updated', models.DateTimeField(auto_now=True, verbose_name='last updated')),
                ('area_path', fangkong.core.models.PathField(editable=False, max_length=255, verbose_name='area path')),
                ('inspected_on', models.DateField(verbose_name='date')),
                ('stock', models.CharField(blank=True, choices=[('adequate', 'adequate'), ('tight', 'tight'), ('short', 'short')], max_length=10, verbose_name='stock overall')),
                ('wildlife_ban_observed', models.BooleanField(default=True, verbose_name='wildlife-trade ban observed')),
                ('disinfected', models.BooleanField(default=True, verbose_name='disinfection done')),
                ('staff_checked', models.PositiveIntegerField(default=0, validators=[django.core.validators.MaxValueValidator(10000)], verbose_name='staff temperatures checked')),
                ('staff_fever', models.PositiveIntegerField(default=0, help_text='At or above the fever threshold of the protocol in force.', validators=[django.core.validators.MaxValueValidator(10000)], verbose_name='staff with fever')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                ('jumps', models.PositiveSmallIntegerField(default=0, editable=False, verbose_name='price jumps')),
                ('key', models.CharField(max_length=64, unique=True, verbose_name='idempotency key')),
                ('area', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='areas.area', verbose_name='area')),
                ('inspected_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='inspected by')),
                ('market', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='inspections', to='supplies.market', verbose_name='market')),
            ],
            options={
                'verbose_name': 'market inspection',
                'verbose_name_plural': 'market inspections',
                'ordering': ['-inspected_on', '-id'],
            },
            bases=(fangkong.core.models.ChangeLoggedMixin, models.Model),
        ),
        migrations.CreateModel(
            name='Price',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('last_updated', models.DateTimeField(auto_now=True, verbose_name='last updated')),
                ('area_path', fangkong.core.models.PathField(editable=False, max_length=255, verbose_name='area path')),
                ('priced_on', models.DateField(editable=False, verbose_name='date')),
                ('price', models.DecimalField(blank=True, decimal_places=2, max_digits=10, null=True, verbose_name='price (yuan)')),
                ('stock', models.CharField(blank=True, choices=[('adequate', 'adequate'), ('tight', 'tight'), ('short', 'short')], max_length=10, verbose_name='stock')),
                ('week_earlier', models.DecimalField(blank=True, decimal_places=2, editable=False, max_digits=10, null=True, verbose_name='a week earlier (yuan)')),
                ('change_percent', models.DecimalField(blank=True, decimal_places=1, editable=False, max_digits=8, null=True, verbose_name='change (%)')),
                ('jumped', models.BooleanField(default=False, editable=False, verbose_name='price jump')),
                ('area', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='areas.area', verbose_name='area')),
                ('inspection', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='prices', to='supplies.inspection', verbose_name='inspection')),
                ('item', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='supplies.basketitem', verbose_name='item')),
            ],
            options={
                'verbose_name': 'price',
                'verbose_name_plural': 'prices',
                'ordering': ['-priced_on', 'inspection_id', 'item__position'],
            },
            bases=(fangkong.core.models.ChangeLoggedMixin, models.Model),
        ),
        migrations.CreateModel(
            name='Problem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('last_updated', models.DateTimeField(auto_now=True, verbose_name='last updated')),
                ('area_path', fangkong.core.models.PathField(editable=False, max_length=255, verbose_name='area path')),
                ('description', models.CharField(max_length=200, verbose_name='problem')),
                ('rectify_by', models.DateField(verbose_name='rectify by')),
                ('status', models.CharField(choices=[('open', 'open'), ('rectified', 'rectified')], default='open', max_length=10, verbose_name='status')),
                ('area', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='areas.area', verbose_name='area')),
                ('closed_at', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='closed_problems', to='supplies.inspection', verbose_name='closed at')),
                ('found_at', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='problems', to='supplies.inspection', verbose_name='found at')),
                ('market', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='problems', to='supplies.market', verbose_name='market')),
            ],
            options={
                'verbose_name': 'problem',
                'verbose_name_plural': 'problems',
                'ordering': ['status', 'rectify_by', 'id'],
            },
            bases=(fangkong.core.models.ChangeLoggedMixin, models.Model),
        ),
        migrations.AddIndex(
            model_name='market',
            index=models.Index(fields=['area_path', 'name'], name='market_area'),
        ),
        migrations.AddIndex(
            model_name='inspection',
            index=models.Index(fields=['area_path', 'inspected_on'], name='inspection_area_date'),
        ),
        migrations.AddIndex(
            model_name='price',
            index=models.Index(fields=['item', 'area_path', 'priced_on'], name='price_item_area_date'),
        ),
        migrations.AddIndex(
            model_name='price',
            index=models.Index(fields=['area_path', 'priced_on'], name='price_area_date'),
        ),
        migrations.AddConstraint(
            model_name='price',
            constraint=models.UniqueConstraint(fields=('inspection', 'item'), name='unique_price_per_inspection'),
        ),
        migrations.AddIndex(
            model_name='problem',
            index=models.Index(fields=['area_path', 'status', 'rectify_by'], name='problem_area_status'),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]

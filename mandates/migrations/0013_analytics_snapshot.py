"""Daily analytics snapshots: the trend on the staff page (the permission mandates.view_analytics is on Mandate)."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('mandates', '0012_staff_groups'),
    ]

    operations = [
        migrations.CreateModel(
            name='AnalyticsSnapshot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(unique=True, verbose_name='Tag')),
                ('computed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='Berechnet am')),
                ('figures', models.JSONField(default=dict, verbose_name='Kennzahlen')),
            ],
            options={
                'verbose_name': 'Kennzahlen-Stand',
                'verbose_name_plural': 'Kennzahlen-Stände',
                'ordering': ['day'],
            },
        ),
    ]

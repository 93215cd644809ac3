"""The moment a profile first reached completeness.READY_SCORE, a fact time-to-mandate can be measured from.

Nothing is backfilled: for profiles complete before this release the moment is unknown, and it is recorded at
their next edit (later than the truth, so the "from completion" clock is conservative for them).
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('managers', '0005_staff_permissions'),
    ]

    operations = [
        migrations.AddField(
            model_name='managerprofile',
            name='completed_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='Profil vollständig seit'),
        ),
    ]

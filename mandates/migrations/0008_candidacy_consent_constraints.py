from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("mandates", "0007_backfill_consent_and_presentation")]

    operations = [
        migrations.AddConstraint(
            model_name="candidacy",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("stage__in", ["presented", "interview"]), _negated=True),
                    ("consent_at__isnull", False),
                    _connector="OR",
                ),
                name="candidacy_shown_only_with_consent",
            ),
        ),
        migrations.AddConstraint(
            model_name="candidacy",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("stage__in", ["presented", "interview"]), _negated=True),
                    ("presented_at__isnull", False),
                    _connector="OR",
                ),
                name="candidacy_shown_only_when_presented",
            ),
        ),
        migrations.AddConstraint(
            model_name="candidacy",
            constraint=models.CheckConstraint(
                condition=models.Q(("released_at__isnull", True), ("presented_at__isnull", False), _connector="OR"),
                name="candidacy_released_only_when_presented",
            ),
        ),
    ]

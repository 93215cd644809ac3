"""Consent, presentation and release become three facts; prices for client and manager; public mandate titles.

``Candidacy.released_at`` used to mean "visible to the client" and was set when the shortlist went out: that is
the presentation, so the column is renamed ``presented_at``. ``released_at`` now means what it says, the identity
released by staff; no earlier candidacy had that, so it starts empty. ``Placement.day_rate`` was the manager's
rate and becomes ``manager_day_rate`` next to the new ``client_day_rate``.
"""

import uuid

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

DECLINE_REASONS = [
    ("other_focus", "Der Kunde hat sich für ein Profil mit anderem Schwerpunkt entschieden."),
    ("industry", "Der Kunde sucht Erfahrung in einer anderen Branche oder Unternehmensgröße."),
    ("timing", "Starttermin oder zeitlicher Umfang passen für dieses Mandat nicht zusammen."),
    ("terms", "Die Konditionen passen für dieses Mandat nicht zusammen."),
    ("other_candidate", "Der Kunde hat sich für eine andere Person entschieden."),
    ("on_hold", "Der Kunde hat das Vorhaben zurückgestellt."),
    ("general", "Der Kunde hat sich gegen eine Zusammenarbeit entschieden."),
]


class Migration(migrations.Migration):
    dependencies = [
        ("managers", "0003_erased_manager_record"),
        ("mandates", "0005_tags_gin_without_pending_list"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # --- Presentation and release ---------------------------------------------------------------------------
        migrations.RenameField(model_name="candidacy", old_name="released_at", new_name="presented_at"),
        migrations.AlterField(
            model_name="candidacy",
            name="presented_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="Dem Kunden vorgestellt am"),
        ),
        migrations.AddField(
            model_name="candidacy",
            name="released_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="Identität freigegeben am"),
        ),
        migrations.AddField(
            model_name="candidacy",
            name="released_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="Freigegeben von",
            ),
        ),
        migrations.AddField(
            model_name="candidacy",
            name="released_cv_file",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="candidacy",
            name="released_cv_name",
            field=models.CharField(blank=True, editable=False, max_length=200, verbose_name="Freigegebener Lebenslauf"),
        ),
        migrations.AddField(
            model_name="candidacy",
            name="client_number",
            field=models.PositiveSmallIntegerField(
                blank=True, editable=False, null=True, verbose_name="Nummer beim Kunden"
            ),
        ),
        migrations.AddField(
            model_name="candidacy",
            name="consent_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="Zustimmung seit"),
        ),
        migrations.AddField(
            model_name="candidacy",
            name="client_revealed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="Kunde genannt am"),
        ),
        # --- What the client and the declined manager read -----------------------------------------------------
        migrations.AlterField(
            model_name="candidacy",
            name="note_for_client",
            field=models.TextField(
                blank=True,
                help_text="Erscheint auf der Karte des Kunden; ohne Namen und Arbeitgeber, solange nicht freigegeben.",
                verbose_name="Unsere Einschätzung (für den Kunden)",
            ),
        ),
        migrations.AddField(
            model_name="candidacy",
            name="show_score_to_client",
            field=models.BooleanField(default=False, verbose_name="Punktzahl dem Kunden zeigen"),
        ),
        migrations.AddField(
            model_name="candidacy",
            name="manager_reason",
            field=models.CharField(
                blank=True,
                choices=DECLINE_REASONS,
                editable=False,
                max_length=20,
                verbose_name="Begründung für den Manager",
            ),
        ),
        migrations.AddField(
            model_name="candidacy",
            name="manager_reason_text",
            field=models.CharField(
                blank=True, editable=False, max_length=300, verbose_name="Eigener Wortlaut für den Manager"
            ),
        ),
        migrations.AlterField(
            model_name="stagechange",
            name="reason",
            field=models.CharField(blank=True, max_length=200, verbose_name="Begründung (intern)"),
        ),
        # --- Prices -----------------------------------------------------------------------------------------------
        migrations.AddField(
            model_name="candidacy",
            name="client_price",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="Was der Kunde angeboten bekommt; der Manager sieht diesen Preis nie.",
                null=True,
                verbose_name="Tagessatz für den Kunden (EUR)",
            ),
        ),
        migrations.AddField(
            model_name="clientcompany",
            name="margin_pct",
            field=models.PositiveSmallIntegerField(
                default=20,
                help_text="Aufschlag auf den Tagessatz des Managers für den Preis, den dieser Kunde angeboten bekommt.",
                validators=[django.core.validators.MaxValueValidator(200)],
                verbose_name="Marge (%)",
            ),
        ),
        migrations.AddField(
            model_name="mandate",
            name="margin_pct",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="Leer: die Marge des Kunden.",
                null=True,
                validators=[django.core.validators.MaxValueValidator(200)],
                verbose_name="Marge (%)",
            ),
        ),
        migrations.RenameField(model_name="placement", old_name="day_rate", new_name="manager_day_rate"),
        migrations.AlterField(
            model_name="placement",
            name="manager_day_rate",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="Tagessatz des Managers (EUR)"),
        ),
        migrations.AddField(
            model_name="placement",
            name="client_day_rate",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="Tagessatz für den Kunden (EUR)"),
        ),
        # --- Mandate titles ---------------------------------------------------------------------------------------
        migrations.AlterField(
            model_name="mandate",
            name="title",
            field=models.CharField(
                help_text="Intern und für den Kunden; Interim Manager sehen ihn nie.", max_length=160, verbose_name="Titel"
            ),
        ),
        migrations.AddField(
            model_name="mandate",
            name="public_title",
            field=models.CharField(
                blank=True,
                help_text="Für Interim Manager sichtbar, ohne Kundennamen, z. B. „Interim CFO im Maschinenbau“.",
                max_length=160,
                verbose_name="Anonymer Titel",
            ),
        ),
        # --- Consent ----------------------------------------------------------------------------------------------
        migrations.CreateModel(
            name="ConsentRequest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("reveal_client", models.BooleanField(default=False, verbose_name="Kunden nennen")),
                ("sent_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="Gesendet am")),
                ("expires_at", models.DateTimeField(verbose_name="Gültig bis")),
                ("closed_at", models.DateTimeField(blank=True, null=True, verbose_name="Beantwortet am")),
                (
                    "outcome",
                    models.CharField(
                        blank=True,
                        choices=[("agreed", "Zugestimmt"), ("refused", "Abgelehnt"), ("expired", "Abgelaufen")],
                        max_length=8,
                        verbose_name="Ergebnis",
                    ),
                ),
                (
                    "channel",
                    models.CharField(
                        blank=True,
                        choices=[("app", "In der Übersicht"), ("link", "Über den Link in der E-Mail")],
                        max_length=4,
                        verbose_name="Antwort über",
                    ),
                ),
                (
                    "candidacy",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="consent_requests",
                        to="mandates.candidacy",
                    ),
                ),
                (
                    "sent_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="Von",
                    ),
                ),
            ],
            options={
                "verbose_name": "Zustimmungsanfrage",
                "verbose_name_plural": "Zustimmungsanfragen",
                "ordering": ["-sent_at", "-id"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("closed_at__isnull", True)),
                        fields=("candidacy",),
                        name="one_open_consent_request",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="PresentationConsent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("interested", "Eigene Antwort „Ich bin interessiert“"),
                            ("request_app", "Anfrage, in der Übersicht beantwortet"),
                            ("request_link", "Anfrage, über den E-Mail-Link beantwortet"),
                        ],
                        max_length=12,
                        verbose_name="Quelle",
                    ),
                ),
                ("given_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="Erteilt am")),
                (
                    "client_name",
                    models.CharField(
                        blank=True,
                        help_text="Leer: der Kunde war nicht genannt.",
                        max_length=160,
                        verbose_name="Genannter Kunde",
                    ),
                ),
                ("wording_version", models.CharField(max_length=20, verbose_name="Fassung des Wortlauts")),
                ("wording", models.TextField(verbose_name="Wortlaut")),
                ("withdrawn_at", models.DateTimeField(blank=True, null=True, verbose_name="Widerrufen am")),
                (
                    "candidacy",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="consents", to="mandates.candidacy"
                    ),
                ),
                (
                    "request",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="mandates.consentrequest",
                        verbose_name="Anfrage",
                    ),
                ),
            ],
            options={
                "verbose_name": "Zustimmung zur Vorstellung",
                "verbose_name_plural": "Zustimmungen zur Vorstellung",
                "ordering": ["-given_at", "-id"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("withdrawn_at__isnull", True)),
                        fields=("candidacy",),
                        name="one_valid_consent_per_candidacy",
                    )
                ],
            },
        ),
    ]

"""Bring existing candidacies under the consent rules before the database starts enforcing them (0008).

- A manager's own "interested" answer counts as consent for that mandate; it becomes a consent row recorded with
  the wording that was in force then (the button alone), so staff can tell it apart from today's wording.
- Anyone in front of a client without such an answer was presented without consent (the bug this release fixes):
  they go back to the shortlist, with the reason in the stage log, until they agree.
- Presented candidates get their stable number on the client's page ("Kandidat 2").
- Score snapshots get each criterion's share and whether it was met (mandates/matching.py), computed from the
  weights they already hold.
"""

from django.db import migrations
from django.db.models import F

LEGACY_VERSION = "2026-11-interesse"  # before the wording existed: the button alone
LEGACY_WORDING = "„Ich bin interessiert“ (Antwort im Dashboard, ohne gesonderten Hinweis auf die Vorstellung beim Kunden)"
BACK_TO_SHORTLIST = "Ohne Zustimmung vorgestellt: zurück auf die Shortlist, bis der Manager zustimmt"
SHOWN = ("presented", "interview")
MET = 1 - 1e-9


def _consents_from_interest(Candidacy, PresentationConsent):
    for candidacy in Candidacy.objects.filter(manager_response="interested"):
        given_at = candidacy.responded_at or candidacy.updated_at
        PresentationConsent.objects.create(
            candidacy=candidacy,
            source="interested",
            given_at=given_at,
            wording_version=LEGACY_VERSION,
            wording=LEGACY_WORDING,
        )
        Candidacy.objects.filter(pk=candidacy.pk).update(consent_at=given_at)


def _unpresent_without_consent(Candidacy, StageChange, now):
    for candidacy in Candidacy.objects.filter(stage__in=SHOWN, consent_at__isnull=True):
        StageChange.objects.create(
            candidacy=candidacy, from_stage=candidacy.stage, to_stage="shortlisted", at=now, reason=BACK_TO_SHORTLIST
        )
        Candidacy.objects.filter(pk=candidacy.pk).update(stage="shortlisted")


def _number_presented(Candidacy):
    numbers = {}
    for candidacy in Candidacy.objects.filter(presented_at__isnull=False).order_by("mandate_id", "position", "id"):
        numbers[candidacy.mandate_id] = numbers.get(candidacy.mandate_id, 0) + 1
        Candidacy.objects.filter(pk=candidacy.pk).update(client_number=numbers[candidacy.mandate_id])


def _shares(Candidacy):
    for candidacy in Candidacy.objects.exclude(score_detail={}).only("id", "score_detail"):
        criteria = candidacy.score_detail.get("criteria") or []
        weight_sum = sum(c.get("weight", 0) for c in criteria)
        for criterion in criteria:
            weight = criterion.get("weight", 0)
            criterion.setdefault("share", 100 * weight / weight_sum if weight and weight_sum else 0.0)
            criterion.setdefault("met", bool(weight) and criterion.get("fraction", 0) >= MET)
        Candidacy.objects.filter(pk=candidacy.pk).update(score_detail=candidacy.score_detail)


def forwards(apps, schema_editor):
    from django.utils import timezone

    Candidacy = apps.get_model("mandates", "Candidacy")
    _consents_from_interest(Candidacy, apps.get_model("mandates", "PresentationConsent"))
    _unpresent_without_consent(Candidacy, apps.get_model("mandates", "StageChange"), timezone.now())
    _number_presented(Candidacy)
    _shares(Candidacy)
    # A placement recorded before there were two rates: the client was charged what the manager got, as far as
    # the platform knows; staff can correct it in the admin.
    apps.get_model("mandates", "Placement").objects.filter(client_day_rate__isnull=True).update(
        client_day_rate=F("manager_day_rate")
    )


class Migration(migrations.Migration):
    dependencies = [("mandates", "0006_consent_release_and_prices")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""One match shows one number: the match-alert mail, the manager's dashboard, the staff's ranking and shortlist,
the candidacy admin, the owner's mail and the manager's export all round the same score the same way."""

import io
import json
import re
import zipfile

import pytest
from django.core import mail
from django.urls import reverse

from mandates import services
from mandates.models import Candidacy, Mandate
from notifications.tasks import drain_outbox
from tests import factories
from tests.factories import PASSWORD

SKILLS = ("financial-planning", "liquidity-management")


@pytest.fixture
def match(settings, staff, client_contact, django_capture_on_commit_callbacks):
    """Skills (weight 4) half met, everything else (function 10, languages, availability, rate 10 each) met:
    100 - 50 * 4/44 = 95.4545…, which rounded once is 95 and rounded twice (95.5, then 96) would not be."""
    settings.MATCH_ALERT_THRESHOLD = 70
    profile = factories.manager(
        "rund@example.com", skills=SKILLS[:1], functions=("cfo",), day_rate_target=1200, day_rate_min=1000
    )
    mandate = factories.mandate(
        client_contact.company,
        skills=SKILLS,
        function="cfo",
        owner=staff,
        status=Mandate.Status.DRAFT,
        opened_at=None,
        weight_skills=4,
        weight_function=10,
        weight_languages=10,
        weight_availability=10,
        weight_rate=10,
    )
    with django_capture_on_commit_callbacks(execute=True):  # matching runs after the opening commits
        services.mandate_open(mandate=mandate, by=staff)
    return profile, mandate


def test_the_same_match_shows_95_everywhere(client, staff, match):
    profile, mandate = match
    drain_outbox()
    alert = next(m for m in mail.outbox if m.to == [profile.user.email])
    assert "95 von 100 Punkten" in alert.subject and "95 von 100 Punkten" in alert.body

    client.force_login(profile.user)
    dashboard = client.get(reverse("manager_dashboard")).content.decode()
    assert "95 / 100" in dashboard and "96" not in re.sub(r"<[^>]+>", " ", dashboard)

    factories.login_with_totp(client, staff)
    ranking = client.get(reverse("admin:mandates_mandate_ranking", args=[mandate.pk])).content.decode()
    assert '<td class="mn-score">95</td>' in ranking
    client.post(reverse("admin:mandates_mandate_add_candidate", args=[mandate.pk]), {"manager": profile.pk})
    candidacy = Candidacy.objects.get(mandate=mandate, manager=profile)
    assert candidacy.score == pytest.approx(100 - 50 * 4 / 44)
    shortlist = client.get(reverse("admin:mandates_mandate_shortlist", args=[mandate.pk])).content.decode()
    assert "Score <strong>95</strong>" in shortlist
    changelist = client.get(reverse("admin:mandates_candidacy_changelist")).content.decode()
    assert '<td class="field-score_display">95</td>' in changelist
    assert "95,45" not in changelist and "95.45" not in changelist

    services.manager_respond(candidacy=candidacy, interested=True)
    drain_outbox()
    owner_mail = next(m for m in mail.outbox if m.to == [staff.email] and "interessiert" in m.subject)
    assert "95 von 100 Punkten" in owner_mail.body

    client.force_login(profile.user)
    export = client.post(reverse("manager_export"), {"password": PASSWORD})
    data = json.loads(zipfile.ZipFile(io.BytesIO(export.content)).read("data.json"))
    assert data["candidacies"][0]["score"] == 95


def test_no_criterion_shows_more_points_than_its_share_on_the_dashboard(client, match):
    profile, _mandate = match
    client.force_login(profile.user)
    html = client.get(reverse("manager_dashboard")).content.decode()
    pairs = [(int(a), int(b)) for a, b in re.findall(r"(\d+) von (\d+)</td>", html)]
    assert pairs and all(points <= share for points, share in pairs)
    assert sum(share for _points, share in pairs) in (99, 100, 101)  # shares add up to 100, each rounded

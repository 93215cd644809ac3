"""The demo pool's past, so the analytics page and the dashboard panel have something real to show.

As the seed story tells it: one manager gets a mandate after a month, another after six, a third gives up after
five. Waits are drawn from a log-normal distribution (median about six months), about a third of the managers would
give up at some point in their first year, and whoever has not reached either by today is still waiting. Every
placement has a mandate of a past client with a pipeline written as facts with their timestamps: candidacies,
consent requests and answers, the shortlist, the client's answers, stage changes, rivals declined with a neutral
reason or withdrawn; some past mandates were lost without a placement. Daily snapshots of the last half year make
the trend. Deterministic for a given random generator.
"""

from datetime import timedelta

from django.utils import timezone

from managers.models import ManagerProfile
from managers.services import manager_set_status

from .models import (
    Candidacy,
    ClientCompany,
    ConsentRequest,
    DeclineReason,
    Mandate,
    MandateStatusChange,
    Placement,
    PresentationConsent,
    StageChange,
)

Stage = Candidacy.Stage
MEDIAN_WAIT_DAYS = 180
LEAVE_SHARE = 0.3
LOST_SHARE = 0.15
PAST_CLIENTS = 8
SNAPSHOT_EVERY_DAYS = 14
SNAPSHOT_DAYS = 182


def _days(rng, low, high):
    return timedelta(days=rng.uniform(low, high))


class _Pipeline:
    """Writes one past mandate and its candidacies as facts (the services stamp "now"; the past needs its dates)."""

    def __init__(self, rng, owner, wording):
        self.rng, self.owner, self.wording = rng, owner, wording

    def mandate(self, company, function, opened, closed, status):
        mandate = Mandate.objects.create(
            company=company,
            owner=self.owner,
            title=f"{function.name_de} – {company.city} (Historie)",
            public_title=f"Interim {function.name_de}",
            function=function,
            budget_day_rate=self.rng.randrange(900, 1800, 100),
            status=status,
            created_at=opened - timedelta(days=2),
            opened_at=opened,
            closed_at=closed,
            matched_at=opened,
        )
        MandateStatusChange.objects.create(
            mandate=mandate, from_status=Mandate.Status.DRAFT, to_status=Mandate.Status.OPEN, at=opened, by=self.owner
        )
        return mandate

    def candidacy(self, mandate, manager, proposed):
        candidacy = Candidacy.objects.create(mandate=mandate, manager=manager, created_at=proposed)
        self.stage(candidacy, Stage.PROPOSED, proposed)
        return candidacy

    def stage(self, candidacy, stage, at, by=None):
        StageChange.objects.create(
            candidacy=candidacy,
            from_stage=candidacy.stage if stage != Stage.PROPOSED else "",
            to_stage=stage,
            at=at,
            by=by or self.owner,
        )
        candidacy.stage = stage

    def consent(self, candidacy, asked):
        """A consent request and the manager's answer (a few hours to a few days later; some never answer)."""
        answered = asked + timedelta(hours=self.rng.lognormvariate(3.0, 1.0))
        request = ConsentRequest.objects.create(
            candidacy=candidacy, sent_at=asked, sent_by=self.owner, expires_at=asked + timedelta(days=7)
        )
        if answered > asked + timedelta(days=7) or self.rng.random() < 0.1:
            request.closed_at, request.outcome = asked + timedelta(days=7), ConsentRequest.Outcome.EXPIRED
            request.save(update_fields=["closed_at", "outcome"])
            return None
        request.closed_at, request.outcome, request.channel = answered, ConsentRequest.Outcome.AGREED, "link"
        request.save(update_fields=["closed_at", "outcome", "channel"])
        PresentationConsent.objects.create(
            candidacy=candidacy,
            source=PresentationConsent.Source.REQUEST_LINK,
            request=request,
            given_at=answered,
            wording_version=self.wording[0],
            wording=self.wording[1],
        )
        candidacy.consent_at = candidacy.responded_at = answered
        candidacy.manager_response = Candidacy.Response.INTERESTED
        self.stage(candidacy, Stage.INTERESTED, answered, by=candidacy.manager.user)
        return answered

    def present(self, mandate, candidacies, at):
        for number, candidacy in enumerate(candidacies, start=1):
            self.stage(candidacy, Stage.SHORTLISTED, at - _days(self.rng, 0.5, 3))
            self.stage(candidacy, Stage.PRESENTED, at)
            candidacy.presented_at, candidacy.client_number = at, number
            candidacy.client_price = mandate.default_client_price(candidacy.manager)
        MandateStatusChange.objects.create(
            mandate=mandate, from_status=Mandate.Status.OPEN, to_status=Mandate.Status.PRESENTED, at=at, by=self.owner
        )
        mandate.shortlist_sent_at = at

    def client_answer(self, candidacy, at, meet, contact_user=None):
        candidacy.client_feedback_at, candidacy.client_wants_meeting = at, meet
        candidacy.client_feedback = "" if meet else "Anderer Schwerpunkt gesucht."
        if meet:
            self.stage(candidacy, Stage.INTERVIEW, at, by=contact_user)

    def decline(self, candidacy, at):
        self.stage(candidacy, Stage.DECLINED, at)
        candidacy.manager_reason = self.rng.choice(
            [DeclineReason.OTHER_FOCUS, DeclineReason.INDUSTRY, DeclineReason.OTHER_CANDIDATE, DeclineReason.TERMS]
        )

    def close(self, mandate, status, at):
        MandateStatusChange.objects.create(
            mandate=mandate, from_status=Mandate.Status.PRESENTED, to_status=status, at=at, by=self.owner
        )


def _past_clients(fake, rng, ref):
    companies = []
    for i in range(PAST_CLIENTS):
        company, _ = ClientCompany.objects.get_or_create(
            name=f"{fake.last_name()} {rng.choice(['GmbH', 'AG', 'SE', 'GmbH & Co. KG'])} (Kunde {i + 1})",
            defaults={"city": fake.city(), "industry": rng.choice(ref.industries)},
        )
        companies.append(company)
    return companies


def _save(candidacies, mandate):
    for candidacy in candidacies:
        candidacy.save()
    mandate.save()


def _run(pipeline, mandate, chosen, rivals, *, opened, end, placed):
    """The pipeline of one past mandate from ``opened`` to ``end``: ``chosen`` placed at ``end`` when ``placed``."""
    rng = pipeline.rng
    everyone = [chosen, *rivals] if chosen else rivals
    candidacies = [pipeline.candidacy(mandate, m, opened + _days(rng, 0.5, 4)) for m in everyone]
    agreed = []
    for candidacy in candidacies:
        answered = pipeline.consent(candidacy, candidacy.created_at + _days(rng, 0.2, 2))
        if answered is not None:
            agreed.append((answered, candidacy))
    if chosen and candidacies[0] not in [c for _a, c in agreed]:
        agreed.insert(0, (candidacies[0].created_at + timedelta(days=1), candidacies[0]))  # said yes on the phone
        pipeline.stage(candidacies[0], Stage.INTERESTED, agreed[0][0])
        candidacies[0].consent_at = agreed[0][0]
    shortlist_at = max(a for a, _c in agreed) + _days(rng, 1, 8) if agreed else None
    if shortlist_at is None or shortlist_at >= end:
        for candidacy in candidacies:
            pipeline.stage(candidacy, Stage.WITHDRAWN, end)
        _save(candidacies, mandate)
        return
    presented = [c for _a, c in agreed]
    pipeline.present(mandate, presented, shortlist_at)
    for candidacy in presented:
        answer = shortlist_at + timedelta(days=rng.lognormvariate(1.3, 0.7))
        meet = candidacy is candidacies[0] if placed else rng.random() < 0.4
        if answer < end:
            pipeline.client_answer(candidacy, answer, meet)
            if not meet:
                pipeline.decline(candidacy, answer + _days(rng, 0.5, 3))
    for candidacy in candidacies:
        if placed and candidacy is candidacies[0]:
            pipeline.stage(candidacy, Stage.PLACED, end)
        elif candidacy.stage not in (Stage.DECLINED,):
            if candidacy.stage == Stage.INTERVIEW and rng.random() < 0.7:
                pipeline.decline(candidacy, end)
            else:
                pipeline.stage(candidacy, Stage.WITHDRAWN, end)
    pipeline.close(mandate, Mandate.Status.WON if placed else Mandate.Status.LOST, end)
    _save(candidacies, mandate)


def pool_history(pool, staff, *, rng, fake, ref, now, also_rivals=()):
    """Give the pool its past (see the module docstring); ``also_rivals`` may be candidates on past mandates too,
    without a past of their own. Returns the number of past mandates written."""
    from .consent import WORDING_VERSION, wording

    pipeline = _Pipeline(rng, staff, (WORDING_VERSION, str(wording())))
    clients = _past_clients(fake, rng, ref)
    candidates = [*pool, *also_rivals]
    written = 0
    for profile in pool:
        registered = profile.registered_at
        completed = registered + _days(rng, 1, 40)
        if rng.random() < 0.85 and completed < now:
            ManagerProfile.objects.filter(pk=profile.pk).update(completed_at=completed)
        wait = timedelta(days=rng.lognormvariate(0, 0.9) * MEDIAN_WAIT_DAYS)
        leave = _days(rng, 30, 330) if rng.random() < LEAVE_SHARE else None
        if leave is not None and leave < wait and registered + leave < now:
            manager_set_status(
                profile=profile,
                status=ManagerProfile.Status.LEFT,
                reason="Erwartungen nicht erfüllt",
                at=registered + leave,
            )
            continue
        placed_at = registered + wait
        if placed_at >= now:
            continue
        opened = max(placed_at - _days(rng, 20, 75), registered - timedelta(days=5))
        function = profile.functions.first() or rng.choice(ref.functions)
        mandate = pipeline.mandate(rng.choice(clients), function, opened, placed_at, Mandate.Status.WON)
        rivals = [
            p for p in rng.sample(candidates, min(len(candidates), 4)) if p != profile and p.registered_at < opened
        ]
        rivals = rivals[:3]
        _run(pipeline, mandate, profile, rivals, opened=opened, end=placed_at, placed=True)
        Placement.objects.create(
            mandate=mandate,
            manager=profile,
            placed_at=placed_at,
            starts_on=(placed_at + timedelta(days=14)).date(),
            manager_day_rate=profile.day_rate_target,
            client_day_rate=mandate.default_client_price(profile),
        )
        manager_set_status(profile=profile, status=ManagerProfile.Status.PLACED, at=placed_at)
        written += 1
        if rng.random() < LOST_SHARE:
            lost_open = opened - _days(rng, 10, 60)
            lost = pipeline.mandate(rng.choice(clients), function, lost_open, opened, Mandate.Status.LOST)
            rivals = [p for p in rng.sample(candidates, min(len(candidates), 4)) if p.registered_at < lost_open][:3]
            _run(pipeline, lost, None, rivals, opened=lost_open, end=opened, placed=False)
            written += 1
    return written


def trend_snapshots(now):
    """Snapshots every two weeks over the last half year (computed from the facts of each day, as the nightly task
    would have), so the trend is there from the start."""
    from .analytics import snapshots

    today = timezone.localdate(now)
    for back in range(SNAPSHOT_DAYS, 0, -SNAPSHOT_EVERY_DAYS):
        snapshots.snapshot_store(day=today - timedelta(days=back))
    snapshots.snapshot_store(day=today - timedelta(days=1))

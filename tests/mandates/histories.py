"""Manager histories written in bulk through the real models: users, profiles, the status log, placements (each
on a won mandate of its own) and functions — what the analytics read, without the per-row cost of the services.

A history is (registered_at, placed_at or None, left_at or None); at most one of the last two is set.
"""

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model

from managers.models import Function, ManagerProfile, ManagerStatusChange
from mandates.models import ClientCompany, Mandate, Placement

_batch = itertools.count(1)


@dataclass(frozen=True)
class History:
    registered_at: datetime
    placed_at: datetime | None = None
    left_at: datetime | None = None
    completed_at: datetime | None = None
    rate: int | None = 1200


def write(histories, *, functions=(), prefix=None):
    """Create one manager per history; returns their profile ids in the order given."""
    batch = prefix or f"h{next(_batch)}"
    User = get_user_model()
    users = User.objects.bulk_create(
        [
            User(username=f"{batch}-{i}@example.com", email=f"{batch}-{i}@example.com", password="!", first_name=batch)
            for i in range(len(histories))
        ],
        batch_size=2000,
    )
    Status = ManagerProfile.Status
    profiles = []
    for user, h in zip(users, histories, strict=True):
        status, changed = Status.ACTIVE, h.registered_at
        if h.placed_at is not None:
            status, changed = Status.PLACED, h.placed_at
        elif h.left_at is not None:
            status, changed = Status.LEFT, h.left_at
        profiles.append(
            ManagerProfile(
                user=user,
                registered_at=h.registered_at,
                status=status,
                status_changed_at=changed,
                completed_at=h.completed_at,
                day_rate_target=h.rate,
            )
        )
    profiles = ManagerProfile.objects.bulk_create(profiles, batch_size=2000)
    changes = [ManagerStatusChange(profile=p, to_status=Status.ACTIVE, at=p.registered_at) for p in profiles]
    changes += [
        ManagerStatusChange(profile=p, from_status=Status.ACTIVE, to_status=p.status, at=p.status_changed_at)
        for p in profiles
        if p.status != Status.ACTIVE
    ]
    ManagerStatusChange.objects.bulk_create(changes, batch_size=5000)
    placed = [(p, h) for p, h in zip(profiles, histories, strict=True) if h.placed_at is not None]
    if placed:
        company, _ = ClientCompany.objects.get_or_create(name="Historie GmbH")
        mandates = Mandate.objects.bulk_create(
            [
                Mandate(
                    company=company,
                    title=f"{batch} placement {i}",
                    status=Mandate.Status.WON,
                    opened_at=max(h.registered_at, h.placed_at - timedelta(days=30)),
                    closed_at=h.placed_at,
                )
                for i, (_p, h) in enumerate(placed)
            ],
            batch_size=2000,
        )
        Placement.objects.bulk_create(
            [
                Placement(mandate=m, manager=p, placed_at=h.placed_at, starts_on=h.placed_at.date())
                for m, (p, h) in zip(mandates, placed, strict=True)
            ],
            batch_size=2000,
        )
    if functions:
        through = ManagerProfile.functions.through
        ids = list(Function.objects.filter(code__in=functions).values_list("id", flat=True))
        through.objects.bulk_create(
            [through(managerprofile_id=p.id, function_id=f) for p in profiles for f in ids], batch_size=5000
        )
    return [p.id for p in profiles]

"""Benchmark of the time-to-mandate estimate (mandates/analytics.py) on a large pool.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/manatnet_bench .venv/bin/python bench/analytics.py --runs 5

Uses the managers already in the database (bench/matching.py generates 100,000). Inside a transaction that is rolled
back at the end it spreads registration dates over three years and gives a third of the managers a placement, so
the Kaplan–Meier fit has real events; it then times loading the observations and fitting the estimate.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manatnet.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from managers.models import ManagerProfile  # noqa: E402
from mandates import analytics  # noqa: E402
from mandates.models import ClientCompany, Mandate, Placement  # noqa: E402


class Rollback(Exception):
    pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(7)
    now = timezone.now()
    try:
        with transaction.atomic():
            ids = list(ManagerProfile.objects.values_list("id", flat=True))
            for start in range(0, len(ids), 10_000):
                for profile_id in ids[start : start + 10_000]:
                    ManagerProfile.objects.filter(id=profile_id).update(
                        registered_at=now - timedelta(days=rng.randint(1, 1100))
                    )
            company = ClientCompany.objects.create(name="Bench analytics GmbH")
            placed = ids[::3]
            mandates = Mandate.objects.bulk_create(
                [Mandate(company=company, title=f"bench {i}") for i in range(len(placed))]
            )
            Placement.objects.bulk_create(
                [
                    Placement(
                        mandate=m,
                        manager_id=pid,
                        placed_at=now - timedelta(days=rng.randint(0, 300)),
                        starts_on=now.date(),
                    )
                    for m, pid in zip(mandates, placed, strict=True)
                ],
                batch_size=5000,
            )
            analytics.estimate(analytics.observations())  # warm-up: imports lifelines (pandas, scipy)
            load, fit = [], []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                obs = analytics.observations()
                t1 = time.perf_counter()
                result = analytics.estimate(obs)
                t2 = time.perf_counter()
                load.append((t1 - t0) * 1000)
                fit.append((t2 - t1) * 1000)
            print(f"managers: {len(ids)}, placed: {result.placed}, median months: {result.median_months:.1f}")
            print(f"load observations: median {statistics.median(load):.0f} ms, max {max(load):.0f} ms")
            print(f"Kaplan-Meier fit:  median {statistics.median(fit):.0f} ms, max {max(fit):.0f} ms")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()

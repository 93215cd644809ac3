"""Keeping one ``CandidateIndex`` row per manager up to date.

The row is derived data: everything ranking needs to score a manager, in one table without joins (``tags`` put
every categorical fact into one integer space, ``tags.py``), plus the German full text for the pool search. Every
write to it is logged by a trigger (``IndexChange``), which keeps the processes' columnar copies exact
(``changes.py``).

How rows stay fresh (decided once, here):
- ``reindex_profile`` runs synchronously on ``managers.signals.profile_changed`` (sent after commit by every
  profile service): one row, a handful of queries.
- Every other write path (admin, factories, ``seed_demo``, the shell) is caught by model signals in
  ``receivers.py`` that only *mark* the row stale (one UPSERT); ``rank`` and ``pool_search`` call
  ``reindex_stale`` first, so a stale row is never read.
- Rows inserted behind the ORM's back (``bulk_create``, SQL, the benchmark) are built with
  ``manage.py reindex_candidates``.
"""

from django.db import connection
from django.utils import timezone

from managers.models import ManagerProfile, MandateHistoryEntry

from ..models import CandidateIndex
from .facts import profile_facts
from .tags import encode

STALE_BATCH = 2000


def reindex_profiles(profile_ids):
    """Rebuild the index rows of these profiles (a constant number of queries per call)."""
    profile_ids = list(profile_ids)
    if not profile_ids:
        return 0
    profiles = list(ManagerProfile.objects.filter(id__in=profile_ids))
    now = timezone.now()
    rows = [
        CandidateIndex(
            profile_id=facts.id,
            active=profile.status == ManagerProfile.Status.ACTIVE,
            stale=False,
            tags=encode(facts),
            available_from=facts.available_from,
            days_per_week=facts.days_per_week,
            remote_share=facts.remote_share,
            day_rate_min=facts.day_rate_min,
            day_rate_target=facts.day_rate_target,
            indexed_at=now,
        )
        for profile, facts in zip(profiles, profile_facts(profiles), strict=True)
    ]
    CandidateIndex.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["profile"],
        update_fields=[
            "active",
            "stale",
            "tags",
            "available_from",
            "days_per_week",
            "remote_share",
            "day_rate_min",
            "day_rate_target",
            "indexed_at",
        ],
    )
    if connection.vendor == "postgresql" and rows:
        _update_search_vectors([row.profile_id for row in rows])
    return len(rows)


def _update_search_vectors(profile_ids):
    """German full text: headline weighs most, then summary, then the mandate history."""
    sql = f"""
        UPDATE {CandidateIndex._meta.db_table} ci SET search =
            setweight(to_tsvector('german', coalesce(p.headline, '')), 'A')
            || setweight(to_tsvector('german', coalesce(p.summary, '')), 'B')
            || setweight(to_tsvector('german', coalesce((
                SELECT string_agg(concat_ws(' ', h.role, h.company, h.outcome), ' ')
                FROM {MandateHistoryEntry._meta.db_table} h WHERE h.profile_id = p.id), '')), 'C')
        FROM {ManagerProfile._meta.db_table} p
        WHERE p.id = ci.profile_id AND ci.profile_id = ANY(%s)
    """  # noqa: S608  (table names come from model metadata, values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(profile_ids)])


def reindex_profile(profile_id):
    return reindex_profiles([profile_id])


def reindex_stale():
    """Rebuild rows marked stale; one query when there are none."""
    done = 0
    while True:
        ids = list(CandidateIndex.objects.filter(stale=True).values_list("profile_id", flat=True)[:STALE_BATCH])
        if not ids:
            return done
        done += reindex_profiles(ids)
        if len(ids) < STALE_BATCH:
            return done


def reindex_all(batch=STALE_BATCH, progress=None):
    """Index every profile, e.g. after a bulk import (``manage.py reindex_candidates``)."""
    done, last = 0, 0
    while True:
        ids = list(ManagerProfile.objects.filter(id__gt=last).order_by("id").values_list("id", flat=True)[:batch])
        if not ids:
            return done
        done += reindex_profiles(ids)
        last = ids[-1]
        if progress:
            progress(done)


def mark_stale(profile_id):
    """One UPSERT; the next ranking rebuilds the row. Called from model signals, so it must stay this cheap."""
    CandidateIndex.objects.bulk_create(
        [CandidateIndex(profile_id=profile_id, stale=True)],
        update_conflicts=True,
        unique_fields=["profile"],
        update_fields=["stale"],
    )


def mark_stale_if_indexed(profile_id):
    """For deletions of related rows: never inserts, since the profile itself may be going away."""
    CandidateIndex.objects.filter(profile_id=profile_id).update(stale=True)

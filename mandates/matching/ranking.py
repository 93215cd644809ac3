"""Ranking managers for a mandate: every active manager scored at once, the winners explained.

``spec.score`` is the only scoring definition. ``rank`` returns exactly what scoring every active manager with it
and sorting by (total descending, id ascending) would return:

1. stale index rows are rebuilt (one query when there are none, ``index.reindex_stale``);
2. the process's columnar copy of the index is brought up to date from the change log (``changes.profiles``, one
   query; the consistency guarantee is stated there);
3. ``columns.totals`` computes every row's ``spec.total`` with NumPy (bit for bit the same numbers), the top k
   are picked by (total, id);
4. only the page asked for is explained with ``spec.score``, from the same copy's rows, and the profiles are read
   in one query.

Nothing is scored twice: the explanation's total is the ranked total. ``ranked_scores`` keeps what a staff member
was shown, so adding a ranked manager stores that score rather than computing a new one.
"""

from django.core.cache import cache
from django.utils import timezone

from managers.models import ManagerProfile

from . import changes, columns, index, spec
from .facts import mandate_facts

SHOWN_SECONDS = 3600


def rank(mandate, *, limit=20, offset=0, today=None, shown_to=None) -> list[tuple[ManagerProfile, spec.MatchScore]]:
    """Active managers passing the mandate's hard filters, best first, with their explained scores.

    ``shown_to``: the staff user the page is for; their shown scores are kept for ``shown_score``.
    """
    today = today or timezone.localdate()
    k = offset + limit
    if k <= 0:
        return []
    index.reindex_stale()
    brief = mandate_facts(mandate)
    winners = top(changes.profiles(), brief, k, today)[offset:k]
    profiles = ManagerProfile.objects.select_related("user").in_bulk([facts.id for facts in winners])
    ranked = [(profiles[f.id], spec.score(f, brief, today=today)) for f in winners if f.id in profiles]
    if shown_to is not None:
        # One entry per staff member and mandate (pages add to it): a constant number of cache calls per page,
        # which matters where the cache is the database (the embedded default).
        key = _shown_key(shown_to, mandate)
        cache.set(key, {**(cache.get(key) or {}), **{p.pk: s for p, s in ranked}}, SHOWN_SECONDS)
    return ranked


def top(view: changes.View, brief, k, today) -> list[spec.ProfileFacts]:
    """ProfileFacts of the k best rows of a view, best first."""
    best = []
    for block, alive in view.blocks():
        for total, profile_id, position in columns.top(block, columns.totals(block, brief, today), k, alive):
            best.append((total, profile_id, block, position))
    best.sort(key=lambda item: (-item[0], item[1]))
    return [block.facts(position) for _total, _id, block, position in best[:k]]


def _shown_key(user, mandate):
    return f"matching:shown:{user.pk}:{getattr(mandate, 'pk', mandate)}"


def shown_score(user, mandate, profile_id) -> spec.MatchScore | None:
    """The score this staff member's ranking showed for the manager (within the last hour), or None."""
    return (cache.get(_shown_key(user, mandate)) or {}).get(profile_id)

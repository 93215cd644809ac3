"""Matching: how well a manager fits a mandate, and finding the best fits fast, in both directions.

Public API (other apps, the API, notifications and analytics use only these):

- the specification, pure and re-exported here: ``score``, ``total``, ``percent``, ``alert_threshold``,
  ``ProfileFacts``, ``MandateFacts``, ``MatchScore``, ``DEFAULT_WEIGHTS``, ``STRONG_MATCH`` (``spec.py``);
- ``facts.profile_facts(profiles)``, ``facts.mandate_facts(mandate)``, ``facts.mandate_facts_many(mandates)``:
  facts from rows, a constant number of queries;
- ``ranking.rank(mandate, limit=20, offset=0, shown_to=None)``: active managers passing the hard filters, best
  first, each with its explained ``MatchScore``; ``ranking.shown_score(user, mandate, profile_id)``: the score a
  staff member's ranking showed (what adding the manager stores);
- ``reverse.matching_mandates_for(profile, min_score=0, limit=10)``: open mandates for one manager, best first;
- ``pool.pool_search(text=..., skill=..., ...)``: the staff pool search (a QuerySet);
- ``index.reindex_profiles`` / ``reindex_all`` / ``reindex_stale``: the ``CandidateIndex`` upkeep;
- ``jobs``: the Celery tasks (``match_mandate``, ``rematch_profile``, ``rematch_mandate``, ``match_unmatched``,
  ``prune_index_changes``) and the plain functions behind them (``mandate_match``, ``profile_rematch``, ...).

Internals: ``columns`` (the index as NumPy columns, every total at once) and ``changes`` (the per-process copies
and the change log that keeps them exact; its docstring states the consistency guarantee).

Dependencies inside the package run one way: ``spec`` ← ``tags`` ← ``facts`` ← ``index`` / ``columns`` ←
``changes`` ← ``ranking`` / ``reverse`` ← ``jobs`` ← ``receivers``. Only ``spec`` is imported here, so
``mandates.models`` can use it without a cycle.
"""

from .spec import (
    DEFAULT_WEIGHTS,
    STRONG_MATCH,
    MandateFacts,
    MatchScore,
    ProfileFacts,
    alert_threshold,
    percent,
    score,
    total,
)

__all__ = [
    "DEFAULT_WEIGHTS",
    "STRONG_MATCH",
    "MandateFacts",
    "MatchScore",
    "ProfileFacts",
    "alert_threshold",
    "percent",
    "score",
    "total",
]

"""Tags: every categorical fact of a profile in one integer space, so one sorted array per manager holds them all.

"has skill X", "accepts a region containing Bayern" and "speaks German at C1 or better" are each one tag; the
columnar copy of the index (``columns.py``) keeps one posting list per tag.
"""

from bisect import bisect_left

from .spec import ProfileFacts

# Tag = kind offset + id. Ids of reference rows stay far below one million.
SKILL = 1_000_000
FUNCTION = 2_000_000
INDUSTRY = 3_000_000  # the profile names this industry (section or division)
SECTION = 4_000_000  # the profile names this section or a division in it
REGION = 5_000_000  # the profile accepts this region (and so everything inside it)
LANGUAGE = 6_000_000  # + language_id * 10 + level: speaks the language at this level *or better*
END = 7_000_000


def skill_tag(pk):
    return SKILL + pk


def function_tag(pk):
    return FUNCTION + pk


def industry_tag(pk):
    return INDUSTRY + pk


def section_tag(pk):
    return SECTION + pk


def region_tag(pk):
    return REGION + pk


def language_tag(language_id, level):
    """Present on every profile speaking ``language_id`` at ``level`` or better."""
    return LANGUAGE + language_id * 10 + level


def encode(facts: ProfileFacts) -> list[int]:
    """The sorted tag list of a profile (sorted so ``decode`` can slice it by kind)."""
    tags = {SKILL + pk for pk in facts.skill_ids}
    tags |= {FUNCTION + pk for pk in facts.function_ids}
    tags |= {INDUSTRY + pk for pk in facts.industry_ids}
    tags |= {SECTION + pk for pk in facts.industry_section_ids}
    tags |= {REGION + pk for pk in facts.accepted_region_ids}
    for language_id, level in facts.languages.items():
        tags |= {language_tag(language_id, lvl) for lvl in range(1, level + 1)}
    return sorted(tags)


def _slice(tags, low, high):
    return tags[bisect_left(tags, low) : bisect_left(tags, high)]


def decode(profile_id, tags, available_from, days_per_week, remote_share, day_rate_min, day_rate_target):
    """ProfileFacts back from an index row: the exact inverse of ``encode`` plus the plain columns."""
    languages = {}
    for tag in _slice(tags, LANGUAGE, END):
        language_id, level = divmod(tag - LANGUAGE, 10)
        languages[language_id] = level  # ascending, so the last one seen is the highest level
    return ProfileFacts(
        id=profile_id,
        skill_ids=frozenset(t - SKILL for t in _slice(tags, SKILL, FUNCTION)),
        function_ids=frozenset(t - FUNCTION for t in _slice(tags, FUNCTION, INDUSTRY)),
        industry_ids=frozenset(t - INDUSTRY for t in _slice(tags, INDUSTRY, SECTION)),
        industry_section_ids=frozenset(t - SECTION for t in _slice(tags, SECTION, REGION)),
        accepted_region_ids=frozenset(t - REGION for t in _slice(tags, REGION, LANGUAGE)),
        languages=languages,
        remote_share=remote_share,
        available_from=available_from,
        days_per_week=days_per_week,
        day_rate_min=day_rate_min,
        day_rate_target=day_rate_target,
    )

"""Searching the pool: free text and filters over all managers (the staff pool page)."""

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q

from managers.models import Industry, LanguageSkill, ManagerProfile, MandateHistoryEntry, Region

from . import index


def _pk(value):
    return getattr(value, "pk", value)


def pool_search(
    *,
    text="",
    function=None,
    industry=None,
    skill=None,
    language=None,
    min_level=None,
    region=None,
    available_by=None,
    max_rate=None,
):
    """A QuerySet of managers (all but those who left) matching free text and filters; by relevance when text is given.

    Filters take model instances or ids. ``industry`` as a NACE section also finds its divisions; ``region``
    finds managers accepting it or any region containing it; ``max_rate`` compares the target rate (else the
    minimum) and keeps managers who gave none.
    """
    qs = ManagerProfile.objects.exclude(status=ManagerProfile.Status.LEFT).select_related("user")
    if function:
        qs = qs.filter(
            pk__in=ManagerProfile.functions.through.objects.filter(function_id=_pk(function)).values(
                "managerprofile_id"
            )
        )
    if industry:
        industry_ids = Industry.objects.filter(Q(pk=_pk(industry)) | Q(parent_id=_pk(industry))).values("id")
        qs = qs.filter(
            pk__in=ManagerProfile.industries.through.objects.filter(industry_id__in=industry_ids).values(
                "managerprofile_id"
            )
        )
    if skill:
        qs = qs.filter(
            pk__in=ManagerProfile.skills.through.objects.filter(skill_id=_pk(skill)).values("managerprofile_id")
        )
    if language:
        languages = LanguageSkill.objects.filter(language_id=_pk(language))
        if min_level:
            languages = languages.filter(level__gte=min_level)
        qs = qs.filter(pk__in=languages.values("profile_id"))
    if region:
        region_obj = region if isinstance(region, Region) else Region.objects.get(pk=region)
        qs = qs.filter(
            pk__in=ManagerProfile.accepted_regions.through.objects.filter(
                region_id__in=region_obj.ancestor_ids()
            ).values("managerprofile_id")
        )
    if available_by:
        qs = qs.filter(Q(available_from__isnull=True) | Q(available_from__lte=available_by))
    if max_rate:
        qs = qs.filter(
            Q(day_rate_target__lte=max_rate)
            | Q(day_rate_target__isnull=True, day_rate_min__lte=max_rate)
            | Q(day_rate_target__isnull=True, day_rate_min__isnull=True)
        )
    text = (text or "").strip()
    if not text:
        return qs.order_by("-registered_at", "id")
    if connection.vendor == "postgresql":
        index.reindex_stale()
        query = SearchQuery(text, config="german", search_type="websearch")
        return (
            qs.filter(candidate_index__search=query)
            .annotate(relevance=SearchRank(F("candidate_index__search"), query))
            .order_by("-relevance", "id")
        )
    words = Q()
    for word in text.split():
        history = MandateHistoryEntry.objects.filter(
            Q(role__icontains=word) | Q(company__icontains=word) | Q(outcome__icontains=word)
        ).values("profile_id")
        words &= Q(headline__icontains=word) | Q(summary__icontains=word) | Q(pk__in=history)
    return qs.filter(words).order_by("-registered_at", "id")

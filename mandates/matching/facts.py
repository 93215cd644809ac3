"""Facts from rows: ``ProfileFacts`` and ``MandateFacts`` for the pure specification (``spec.py``), in a constant
number of queries however many profiles or mandates are asked for."""

import json
import time
from collections import defaultdict

from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import get_language

from managers.models import Function, Industry, Language, LanguageSkill, ManagerProfile, Region, Skill

from ..models import Mandate, MandateLanguage
from . import spec
from .spec import MandateFacts, ProfileFacts


def _pairs(through, owner, target, ids):
    result = defaultdict(set)
    for owner_id, target_id in through.objects.filter(**{f"{owner}__in": ids}).values_list(owner, target):
        result[owner_id].add(target_id)
    return result


class _Reference:
    """Reference data (NACE tree, region tree, display names) cached per process.

    A few hundred rows that change only by data migration or a rare admin edit; re-read after ``TTL`` seconds,
    or at once when an id is asked for that the cache does not know (a row added meanwhile).
    """

    TTL = 300

    def __init__(self):
        self.loaded_at = None
        self.names = {}

    def _load(self):
        self.sections = {pk: parent or pk for pk, parent in Industry.objects.values_list("id", "parent_id")}
        self.region_parent = dict(Region.objects.values_list("id", "parent_id"))
        self.names = {}
        self.loaded_at = time.monotonic()

    def get(self, wanted_industries=(), wanted_regions=()):
        stale = self.loaded_at is None or time.monotonic() - self.loaded_at > self.TTL
        if (
            stale
            or any(i not in self.sections for i in wanted_industries)
            or any(r not in self.region_parent for r in wanted_regions)
        ):
            self._load()
        return self

    def labels(self, wanted):
        """{(kind, id): name} in the active language for the wanted (kind, id) pairs."""
        language = get_language() or "de"
        table = self.names.setdefault(language, {})
        if any(key not in table for key in wanted):
            for kind, model in (
                ("skill", Skill),
                ("industry", Industry),
                ("language", Language),
                ("function", Function),
                ("region", Region),
            ):
                ids = {pk for k, pk in wanted if k == kind and (k, pk) not in table}
                if ids:
                    table.update({(kind, obj.pk): obj.name for obj in model.objects.filter(pk__in=ids)})
        return {key: table[key] for key in wanted if key in table}


_reference = _Reference()


def profile_facts(profiles) -> list[ProfileFacts]:
    """ProfileFacts for many profiles in six queries, in the order given."""
    profiles = list(profiles)
    ids = [p.id for p in profiles]
    skills = _pairs(ManagerProfile.skills.through, "managerprofile_id", "skill_id", ids)
    functions = _pairs(ManagerProfile.functions.through, "managerprofile_id", "function_id", ids)
    industries = _pairs(ManagerProfile.industries.through, "managerprofile_id", "industry_id", ids)
    regions = _pairs(ManagerProfile.accepted_regions.through, "managerprofile_id", "region_id", ids)
    languages = defaultdict(dict)
    for profile_id, language_id, level in LanguageSkill.objects.filter(profile_id__in=ids).values_list(
        "profile_id", "language_id", "level"
    ):
        languages[profile_id][language_id] = level
    sections = _reference.get(set().union(*industries.values())).sections if industries else {}
    return [
        ProfileFacts(
            id=p.id,
            skill_ids=frozenset(skills[p.id]),
            function_ids=frozenset(functions[p.id]),
            industry_ids=frozenset(industries[p.id]),
            industry_section_ids=frozenset(sections.get(i, i) for i in industries[p.id]),
            languages=dict(languages[p.id]),
            accepted_region_ids=frozenset(regions[p.id]),
            remote_share=p.remote_share,
            available_from=p.available_from,
            days_per_week=p.days_per_week,
            day_rate_min=p.day_rate_min,
            day_rate_target=p.day_rate_target,
        )
        for p in profiles
    ]


MANDATE_FIELDS = (
    "id",
    "function_id",
    "region_id",
    "remote_share",
    "start_date",
    "start_flex_days",
    "days_per_week",
    "budget_day_rate",
    "budget_tolerance_pct",
    "require_availability",
    "require_languages",
    "require_region",
    *(f"weight_{key}" for key in spec.DEFAULT_WEIGHTS),
)


def mandate_facts_many(mandates, *, names=True) -> list[MandateFacts]:
    """MandateFacts for many mandates in a constant number of queries, in the order given.

    ``mandates``: Mandate instances, ids, or a queryset. ``names=False`` skips the display names (enough to
    compute totals; sentences then show ids).
    """
    if isinstance(mandates, QuerySet):
        rows = {row["id"]: row for row in mandates.values(*MANDATE_FIELDS)}
        ids = list(rows)
    else:
        ids = [m if isinstance(m, int) else m.pk for m in mandates]
        rows = {row["id"]: row for row in Mandate.objects.filter(id__in=ids).values(*MANDATE_FIELDS)}
    required, nice, industries, languages = _mandate_relations(ids)
    ref = _reference.get(set().union(*industries.values()), {r["region_id"] for r in rows.values() if r["region_id"]})
    sections, region_parent = ref.sections, ref.region_parent

    def chain(region_id):
        out = []
        while region_id is not None:
            out.append(region_id)
            region_id = region_parent.get(region_id)
        return tuple(out)

    facts = []
    for pk in ids:
        row = rows.get(pk)
        if row is None:
            continue
        facts.append(
            MandateFacts(
                id=pk,
                required_skill_ids=frozenset(required[pk]),
                nice_skill_ids=frozenset(nice[pk] - required[pk]),
                function_id=row["function_id"],
                industry_ids=frozenset(industries[pk]),
                industry_sections={i: sections.get(i, i) for i in industries[pk]},
                languages=tuple(languages[pk]),
                region_id=row["region_id"],
                region_chain=chain(row["region_id"]),
                remote_share=row["remote_share"],
                start_date=row["start_date"],
                start_flex_days=row["start_flex_days"],
                days_per_week=row["days_per_week"],
                budget_day_rate=row["budget_day_rate"],
                budget_tolerance_pct=row["budget_tolerance_pct"],
                require_availability=row["require_availability"],
                require_languages=row["require_languages"],
                require_region=row["require_region"],
                weights={key: row[f"weight_{key}"] for key in spec.DEFAULT_WEIGHTS},
                names=_labels(ref, row, required[pk], nice[pk], industries[pk], languages[pk]) if names else {},
            )
        )
    return facts


def _mandate_relations(ids):
    """Skills, industries and languages of many mandates in one query."""
    required, nice, industries, languages = defaultdict(set), defaultdict(set), defaultdict(set), defaultdict(list)
    if not ids:
        return required, nice, industries, languages
    tables = {
        "r": (Mandate.required_skills.through._meta.db_table, "skill_id", "0"),
        "n": (Mandate.nice_skills.through._meta.db_table, "skill_id", "0"),
        "i": (Mandate.industries.through._meta.db_table, "industry_id", "0"),
    }
    parts = [
        f"SELECT '{key}', mandate_id, {column}, 0, {extra}, 0 FROM {table} WHERE mandate_id = ANY(%s)"  # noqa: S608
        for key, (table, column, extra) in tables.items()
    ]
    language_table = MandateLanguage._meta.db_table
    parts.append(
        "SELECT 'l', mandate_id, language_id, min_level, CASE WHEN required THEN 1 ELSE 0 END, id "  # noqa: S608
        f"FROM {language_table} WHERE mandate_id = ANY(%s)"
    )
    sql = " UNION ALL ".join(parts) + " ORDER BY 1, 2, 6"
    if connection.vendor != "postgresql":
        sql = sql.replace("= ANY(%s)", "IN (SELECT value FROM json_each(%s))")
        params = [json.dumps(list(ids))] * 4
    else:
        params = [list(ids)] * 4
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for key, mandate_id, target, level, flag, _order in cursor.fetchall():
            if key == "r":
                required[mandate_id].add(target)
            elif key == "n":
                nice[mandate_id].add(target)
            elif key == "i":
                industries[mandate_id].add(target)
            else:
                languages[mandate_id].append((target, level, bool(flag)))
    return required, nice, industries, languages


def _labels(ref, row, required, nice, industries, languages):
    wanted = {("skill", pk) for pk in required | nice}
    wanted |= {("industry", pk) for pk in industries} | {("industry", ref.sections.get(pk, pk)) for pk in industries}
    wanted |= {("language", lang) for lang, _level, _req in languages}
    if row["function_id"]:
        wanted.add(("function", row["function_id"]))
    region = row["region_id"]
    while region is not None:
        wanted.add(("region", region))
        region = ref.region_parent.get(region)
    return ref.labels(wanted)


def mandate_facts(mandate) -> MandateFacts:
    return mandate_facts_many([mandate])[0]

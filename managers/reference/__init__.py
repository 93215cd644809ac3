"""Reference data shipped with MANATNET as CSV files beside this module, loaded by data migrations.

``load(apps)`` is idempotent: it upserts by natural key (code / slug), so a later migration that ships an
extended file simply calls it again.
"""

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent


def rows(name):
    with open(HERE / name, newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def _upsert(model, key, values):
    obj, _ = model.objects.update_or_create(**{key: values.pop(key)}, defaults=values)
    return obj


def load(apps):
    Function = apps.get_model("managers", "Function")
    Industry = apps.get_model("managers", "Industry")
    SkillGroup = apps.get_model("managers", "SkillGroup")
    Skill = apps.get_model("managers", "Skill")
    Language = apps.get_model("managers", "Language")
    Country = apps.get_model("managers", "Country")
    Region = apps.get_model("managers", "Region")

    for row in rows("functions.csv"):
        _upsert(Function, "code", dict(row))
    sections = {}
    for row in rows("nace_rev2.csv"):
        parent = sections.get(row.pop("parent"))
        industry = _upsert(Industry, "code", {**row, "parent": parent})
        if parent is None:
            sections[industry.code] = industry
    groups = {}
    for row in rows("skills.csv"):
        code = row["group"]
        if code not in groups:
            groups[code] = _upsert(
                SkillGroup, "code", {"code": code, "name_de": row["group_de"], "name_en": row["group_en"]}
            )
        _upsert(
            Skill,
            "slug",
            {"slug": row["slug"], "group": groups[code], "name_de": row["name_de"], "name_en": row["name_en"]},
        )
    for row in rows("languages.csv"):
        _upsert(Language, "code", dict(row))
    for row in rows("countries.csv"):
        _upsert(Country, "code", dict(row))
    regions = {}
    for row in rows("regions.csv"):
        parent = regions.get(row.pop("parent"))
        regions[row["code"]] = _upsert(Region, "code", {**row, "parent": parent})

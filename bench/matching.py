"""Benchmark of the matching engine on PostgreSQL: ranking and re-matching at scale, against two yardsticks.

    createdb -h 127.0.0.1 -U postgres manatnet_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/manatnet_bench \\
        .venv/bin/python bench/matching.py --managers 100000 --mandates 10000
    createdb -h 127.0.0.1 -U postgres manatnet_bench_1m
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/manatnet_bench_1m \\
        .venv/bin/python bench/matching.py --managers 1000000 --mandates 10000

Generates N synthetic managers with a realistic skew (a few popular skills, functions and industries, a long tail
of rare ones; German spoken by almost all, English by most) directly in SQL (generate_series, one statement per
table, triggers and foreign-key checks off) and builds their CandidateIndex rows in SQL too, checked against
``index.reindex_profiles`` on a sample. Then M open mandates (bulk inserts). In one run on the same data it prints:

- the fast path: ``ranking.rank`` (top 20 with explanations, change-log check and profile rows included) for
  typical and broad briefs, median and p95;
- the reference scan: the NumPy scoring of the in-memory copy alone (``columns.totals`` + ``columns.top``), no
  database, no explanations — the floor the fast path is measured against;
- the naive loop: facts from the ORM and ``spec.score`` for every active profile (timed on a sample above 20,000
  managers and extrapolated, as the output says);
- re-matching one profile against all open mandates (``reverse.matching_mandates_for``), alone and after an edit;

with the ratios between them and the load average (``uptime``) before and after each group: other work on a
shared machine shows in the figures. ``--reuse`` skips generation when the database already holds N managers.

Only for a database whose name contains "bench": it empties the manager, user and mandate tables. Not part of the
test suite (``testpaths`` is ``tests/``).
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

import numpy as np  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from managers.models import CEFR, Function, Industry, Language, ManagerProfile, Region, Skill  # noqa: E402
from mandates import matching  # noqa: E402
from mandates.matching import changes, columns, facts, index, ranking, reverse, tags  # noqa: E402
from mandates.models import CandidateIndex, ClientCompany, Mandate, MandateLanguage  # noqa: E402

SKEW = 1.6  # index = floor(n * random()^SKEW): a quarter of all draws hit the top 10 % of a list

HEADLINES = [
    "Interim CFO Restrukturierung Mittelstand",
    "Interim CEO Sanierung und Turnaround",
    "Programmleiter SAP S/4HANA Einführung",
    "Interim Werksleiter Maschinenbau",
    "Restrukturierungsmanager StaRUG",
    "Interim Head of Supply Chain",
    "Interim CHRO Transformation",
    "PMI-Manager Post-Merger-Integration",
]
SUMMARIES = [
    "Erfahrung in Liquiditätsplanung, Bankenverhandlungen und Finanzierungsrunden.",
    "Führte Werke durch Krisen, senkte Kosten und stabilisierte Lieferketten.",
    "Begleitete Unternehmensverkäufe, Carve-outs und Integrationen im Konzern.",
    "Baute Controlling und Reporting nach HGB und IFRS auf.",
]


def sql(statement, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        if cursor.description:
            return cursor.fetchall()
    return None


def skewed(rng, values):
    return values[int(len(values) * rng.random() ** SKEW)]


def log(message):
    print(message, flush=True)


# --- Generation ----------------------------------------------------------------------------------------------------


def reference():
    def popularity_order(queryset):
        ids = sorted(queryset.values_list("id", flat=True))
        random.Random(7).shuffle(ids)  # which skills are popular: fixed, so --reuse and new mandates agree
        return ids

    return {
        "skills": popularity_order(Skill.objects.all()),
        "functions": popularity_order(Function.objects.all()),
        "industries": popularity_order(Industry.objects.filter(parent__isnull=False)),
        "regions": popularity_order(Region.objects.exclude(code="WW")),
        "de": Language.objects.get(code="de").id,
        "en": Language.objects.get(code="en").id,
        "fr": Language.objects.get(code="fr").id,
        "states": sorted(Region.objects.filter(kind=Region.Kind.STATE).values_list("id", flat=True)),
    }


def generate(n, ref):
    t0 = time.perf_counter()
    # Bulk load without per-row foreign-key triggers (the data is generated consistent); bench database only.
    sql("SET session_replication_role = replica")
    sql("SELECT setseed(0.2026)")
    sql(
        "TRUNCATE mandates_candidateindex, managers_managerprofile, auth_user, mandates_mandate, "
        "mandates_clientcompany RESTART IDENTITY CASCADE"
    )
    sql(
        """INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                                  is_active, date_joined)
           SELECT '!', false, 'bench' || i, 'Bench', 'Manager ' || i, 'bench' || i || '@bench.example', false,
                  true, now()
           FROM generate_series(1, %s) i""",
        [n],
    )
    explicit = {
        "user_id": "u.id",
        "public_id": "gen_random_uuid()",
        "headline": "(%(headlines)s)[1 + (u.id %% %(nh)s)]",
        "summary": "(%(summaries)s)[1 + ((u.id / 7) %% %(ns)s)]",
        "remote_share": "(ARRAY[0, 20, 20, 40, 60, 100])[1 + floor(random() * 6)::int]",
        # A third available now, the rest spread over the next half year.
        "available_from": "CASE WHEN random() < 0.33 THEN NULL ELSE current_date + floor(random() * 180)::int END",
        "days_per_week": "(ARRAY[5, 5, 5, 4, 3])[1 + floor(random() * 5)::int]",
        "day_rate_min": "800 + 50 * floor(random() * 16)::int",
        "day_rate_target": "NULL",
        "registered_at": "now() - random() * interval '3 years'",
        "status": "CASE WHEN random() < 0.9 THEN 'active' ELSE 'paused' END",
        "status_changed_at": "now()",
    }
    columns, values, params = [], [], {}
    for field in ManagerProfile._meta.concrete_fields:
        if field.column == "id":
            continue
        columns.append(field.column)
        if field.column in explicit:
            values.append(explicit[field.column])
        else:  # whatever other columns the profile has: their defaults, so the bench survives schema changes
            key = f"default_{field.column}"
            params[key] = (
                field.get_db_prep_save(field.get_default(), connection)
                if field.has_default()
                else (None if field.null else "")
            )
            values.append(f"%({key})s")
    params.update(headlines=HEADLINES, nh=len(HEADLINES), summaries=SUMMARIES, ns=len(SUMMARIES))
    sql(
        f"INSERT INTO managers_managerprofile ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(values)} FROM auth_user u ORDER BY u.id",
        params,
    )
    sql("UPDATE managers_managerprofile SET day_rate_target = day_rate_min + 50 * floor(random() * 6)::int")
    log(f"  users and profiles: {time.perf_counter() - t0:.0f} s")

    def m2m(table, column, ids, low, spread):
        sql(
            f"""INSERT INTO {table} (managerprofile_id, {column})
                SELECT p.id, (%(ids)s::int[])[1 + floor(%(n)s * power(random(), %(skew)s))::int]
                FROM managers_managerprofile p, LATERAL generate_series(1, %(low)s + (p.id * 7919) %% %(spread)s) g
                ON CONFLICT DO NOTHING""",  # noqa: S608
            {"ids": ids, "n": len(ids), "skew": SKEW, "low": low, "spread": spread},
        )

    # 2..7 skills: the most common one is held by about a quarter of all managers, the median one by 4 %.
    m2m("managers_managerprofile_skills", "skill_id", ref["skills"], 2, 6)
    m2m("managers_managerprofile_functions", "function_id", ref["functions"], 1, 2)
    m2m("managers_managerprofile_industries", "industry_id", ref["industries"], 1, 3)
    m2m("managers_managerprofile_accepted_regions", "region_id", ref["regions"], 1, 3)
    sql(
        """INSERT INTO managers_languageskill (profile_id, language_id, level)
           SELECT id, %(de)s, CASE WHEN random() < 0.85 THEN 7 ELSE 4 + floor(random() * 3)::int END
             FROM managers_managerprofile WHERE random() < 0.97
           UNION ALL SELECT id, %(en)s, 3 + floor(random() * 5)::int FROM managers_managerprofile WHERE random() < 0.8
           UNION ALL SELECT id, %(fr)s, 2 + floor(random() * 5)::int FROM managers_managerprofile WHERE random() < 0.15
        """,
        ref,
    )
    log(f"  skills, functions, industries, regions, languages: {time.perf_counter() - t0:.0f} s")
    build_index_in_sql()
    sql("SET session_replication_role = DEFAULT")
    log(f"  candidate index (tags, full text, GIN): {time.perf_counter() - t0:.0f} s")


def build_index_in_sql():
    """The same rows ``index.reindex_profiles`` writes, built set-wise (checked on a sample afterwards)."""
    sql("DROP INDEX IF EXISTS candidateindex_search_gin")
    sql("TRUNCATE mandates_candidateindex")
    sql(
        f"""
        INSERT INTO mandates_candidateindex (profile_id, active, stale, tags, available_from, days_per_week,
            remote_share, day_rate_min, day_rate_target, search, indexed_at)
        SELECT p.id, p.status = 'active', false, coalesce(t.tags, '{{}}'), p.available_from, p.days_per_week,
               p.remote_share, p.day_rate_min, p.day_rate_target,
               setweight(to_tsvector('german', p.headline), 'A') || setweight(to_tsvector('german', p.summary), 'B'),
               now()
        FROM managers_managerprofile p
        LEFT JOIN (
            SELECT pid, array_agg(DISTINCT tag ORDER BY tag) AS tags FROM (
                SELECT managerprofile_id AS pid, {tags.SKILL} + skill_id AS tag
                  FROM managers_managerprofile_skills
                UNION ALL SELECT managerprofile_id, {tags.FUNCTION} + function_id
                  FROM managers_managerprofile_functions
                UNION ALL SELECT managerprofile_id, {tags.INDUSTRY} + industry_id
                  FROM managers_managerprofile_industries
                UNION ALL SELECT mi.managerprofile_id, {tags.SECTION} + coalesce(i.parent_id, i.id)
                  FROM managers_managerprofile_industries mi JOIN managers_industry i ON i.id = mi.industry_id
                UNION ALL SELECT managerprofile_id, {tags.REGION} + region_id
                  FROM managers_managerprofile_accepted_regions
                UNION ALL SELECT l.profile_id, {tags.LANGUAGE} + l.language_id * 10 + g
                  FROM managers_languageskill l, generate_series(1, l.level) g
            ) all_tags GROUP BY pid
        ) t ON t.pid = p.id
        """  # noqa: S608
    )
    sql("CREATE INDEX candidateindex_search_gin ON mandates_candidateindex USING gin (search)")
    sql("TRUNCATE mandates_indexchange")  # a fresh copy loads everything; the log matters from here on
    sql("VACUUM ANALYZE mandates_candidateindex")
    sql("ANALYZE")


def check_index_sample(size=300):
    """The SQL-built rows must equal what the application writes."""
    ids = [pk for (pk,) in sql("SELECT profile_id FROM mandates_candidateindex ORDER BY random() LIMIT %s", [size])]
    before = dict(CandidateIndex.objects.filter(profile_id__in=ids).values_list("profile_id", "tags"))
    with transaction.atomic():
        index.reindex_profiles(ids)
        after = dict(CandidateIndex.objects.filter(profile_id__in=ids).values_list("profile_id", "tags"))
        transaction.set_rollback(True)
    assert before == after, "SQL-built index differs from index.reindex_profiles"
    log(f"  index check: {size} sampled rows equal index.reindex_profiles")


def make_mandates(m, ref, rng):
    company = ClientCompany.objects.create(name="Bench GmbH")
    today = timezone.localdate()
    mandates = []
    for i in range(m):
        mandates.append(
            Mandate(
                company=company,
                title=f"Bench-Mandat {i}",
                status=Mandate.Status.OPEN,
                opened_at=timezone.now(),
                function_id=skewed(rng, ref["functions"]),
                region_id=rng.choice(ref["states"]),
                remote_share=rng.choice([0, 20, 40]),
                start_date=today + timedelta(days=rng.randint(14, 90)),
                start_flex_days=rng.choice([7, 14, 30]),
                budget_day_rate=rng.choice([1000, 1200, 1400, 1600]),
            )
        )
    Mandate.objects.bulk_create(mandates)
    required, nice, industries, languages = [], [], [], []
    for mandate in mandates:
        # Typical brief: 3-5 must-haves mixing popular and rare skills, 0-2 nice-to-haves, 1-2 industries.
        req = {skewed(rng, ref["skills"]) for _ in range(rng.randint(3, 5))}
        required += [Mandate.required_skills.through(mandate_id=mandate.id, skill_id=s) for s in req]
        nice_ids = {skewed(rng, ref["skills"]) for _ in range(rng.randint(0, 2))} - req
        nice += [Mandate.nice_skills.through(mandate_id=mandate.id, skill_id=s) for s in nice_ids]
        inds = {skewed(rng, ref["industries"]) for _ in range(rng.randint(1, 2))}
        industries += [Mandate.industries.through(mandate_id=mandate.id, industry_id=i) for i in inds]
        languages.append(MandateLanguage(mandate=mandate, language_id=ref["de"], min_level=CEFR.C1))
        if rng.random() < 0.5:
            languages.append(MandateLanguage(mandate=mandate, language_id=ref["en"], min_level=CEFR.B2, required=False))
    Mandate.required_skills.through.objects.bulk_create(required)
    Mandate.nice_skills.through.objects.bulk_create(nice)
    Mandate.industries.through.objects.bulk_create(industries)
    MandateLanguage.objects.bulk_create(languages)
    return mandates


def make_broad_mandates(count, ref, rng):
    """Broad: one popular must-have skill and a function, no industry, no language, no hard filter at all."""
    company = ClientCompany.objects.get(name="Bench GmbH")
    result = []
    for i in range(count):
        mandate = Mandate.objects.create(
            company=company,
            title=f"Breites Mandat {i}",
            status=Mandate.Status.DRAFT,  # kept out of the open set the re-match runs against
            function_id=ref["functions"][i % 3],
            start_date=timezone.localdate() + timedelta(days=30),
            budget_day_rate=1200,
            require_availability=False,
            require_languages=False,
        )
        mandate.required_skills.set([ref["skills"][i % 3]])
        result.append(mandate)
    return result


# --- Measurement ---------------------------------------------------------------------------------------------------


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def summary(times):
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def naive_ms_per_profile(mandate, sample):
    """Score every profile with the pure function, facts built from the ORM: the loop the fast path replaces."""
    brief = facts.mandate_facts(mandate)
    today = timezone.localdate()
    t0 = time.perf_counter()
    profiles = ManagerProfile.objects.active().order_by("?")[:sample] if sample else ManagerProfile.objects.active()
    scored = [matching.score(p, brief, today=today) for p in facts.profile_facts(profiles)]
    elapsed = (time.perf_counter() - t0) * 1000
    return elapsed / max(len(scored), 1)


def reference_scan(view, brief, today):
    """The floor: NumPy scoring of the in-memory copy and the top 20, nothing else."""
    return [columns.top(block, columns.totals(block, brief, today), 20, alive) for block, alive in view.blocks()]


def load():
    return Path("/proc/loadavg").read_text().split()[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--managers", type=int, default=100_000)
    parser.add_argument("--mandates", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs per mandate")
    parser.add_argument("--sample-mandates", type=int, default=20, help="typical mandates timed")
    parser.add_argument("--reuse", action="store_true", help="keep existing data when the counts match")
    args = parser.parse_args()

    if connection.vendor != "postgresql" or "bench" not in connection.settings_dict["NAME"]:
        sys.exit("Refusing: needs a PostgreSQL DATABASE_URL whose database name contains 'bench' (it is emptied).")
    call_command("migrate", verbosity=0)
    rng = random.Random(2026)
    ref = reference()

    have = ManagerProfile.objects.count()
    if not (args.reuse and have == args.managers and CandidateIndex.objects.count() == have):
        log(f"Generating {args.managers:,} managers …")
        t0 = time.perf_counter()
        generate(args.managers, ref)
        log(f"  generated in {time.perf_counter() - t0:.0f} s")
    else:
        log(f"Reusing {have:,} managers")
        Mandate.objects.all().delete()
        ClientCompany.objects.all().delete()
    check_index_sample()
    t0 = time.perf_counter()
    mandates = make_mandates(args.mandates, ref, rng)
    broad = make_broad_mandates(5, ref, rng)
    sql("ANALYZE")
    log(f"  {args.mandates:,} mandates in {time.perf_counter() - t0:.0f} s")

    n = ManagerProfile.objects.count()
    active = CandidateIndex.objects.filter(active=True).count()
    log(f"\n{n:,} managers ({active:,} active), {Mandate.objects.open().count():,} open mandates")
    t0 = time.perf_counter()
    view = changes.profiles()  # what a server process does once: load the columnar copy
    ranking.top(view, facts.mandate_facts(mandates[0]), 20, timezone.localdate())  # posting lists built on first use
    size = sum(a.nbytes for b, _alive in view.blocks() for a in vars(b).values() if isinstance(a, np.ndarray))
    size += sum(p.nbytes for b, _alive in view.blocks() for p in b.postings.values())
    log(f"columnar copy loaded in {time.perf_counter() - t0:.1f} s, {size / 2**20:.0f} MB of arrays")
    today = timezone.localdate()

    typical = mandates[: args.sample_mandates]
    for mandate in typical[:3] + broad[:2]:  # warm the caches the way a running server has them
        ranking.rank(mandate)
    loads = [load()]
    typical_times = [t for m in typical for t in timed(lambda m=m: ranking.rank(m, limit=20), args.repeat)]
    broad_times = [t for m in broad for t in timed(lambda m=m: ranking.rank(m, limit=20), args.repeat)]
    loads.append(load())
    briefs = {m.pk: facts.mandate_facts(m) for m in typical + broad}
    typical_ref = [
        t for m in typical for t in timed(lambda m=m: reference_scan(view, briefs[m.pk], today), args.repeat)
    ]
    broad_ref = [t for m in broad for t in timed(lambda m=m: reference_scan(view, briefs[m.pk], today), args.repeat)]
    loads.append(load())

    # Re-match: a manager edits their profile (one skill more), the index row is rebuilt, open mandates scored.
    profile = ManagerProfile.objects.active().order_by("id").first()
    skills = list(Skill.objects.values_list("id", flat=True)[:40])

    def edit_and_rematch():
        with transaction.atomic():
            profile.skills.add(rng.choice(skills))
            index.reindex_profile(profile.id)
            reverse.matching_mandates_for(profile, limit=10)
            transaction.set_rollback(True)

    t0 = time.perf_counter()
    reverse.matching_mandates_for(profile, limit=10)
    log(f"open mandates' facts and bounds loaded in {time.perf_counter() - t0:.1f} s")
    rematch_only = timed(lambda: reverse.matching_mandates_for(profile, limit=10), 40)
    loads.append(load())
    rematch_edit = timed(edit_and_rematch, 10)

    sample = 0 if n <= 20_000 else 5_000
    naive_per = statistics.median(naive_ms_per_profile(m, sample) for m in typical[:3])
    naive_total = naive_per * active
    loads.append(load())

    t_med, t_p95 = summary(typical_times)
    b_med, b_p95 = summary(broad_times)
    tr_med, tr_p95 = summary(typical_ref)
    br_med, br_p95 = summary(broad_ref)
    r_med, r_p95 = summary(rematch_only)
    e_med, e_p95 = summary(rematch_edit)
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    log(f"machine: {os.cpu_count()} cores, {cpu}, PostgreSQL {sql('SHOW server_version')[0][0]}")
    log(f"load average (1 min) before / after each group: {' → '.join(loads)}")
    log("")
    log("| measurement | median | p95 |")
    log("| --- | ---: | ---: |")
    log(
        f"| fast path, typical brief (rank, top 20 explained, {len(typical_times)} runs) | {t_med:.1f} ms | {t_p95:.1f} ms |"
    )
    log(
        f"| fast path, broad brief (rank, top 20 explained, {len(broad_times)} runs) | {b_med:.1f} ms | {b_p95:.1f} ms |"
    )
    log(f"| reference scan, typical brief (NumPy over the copy, top 20) | {tr_med:.1f} ms | {tr_p95:.1f} ms |")
    log(f"| reference scan, broad brief | {br_med:.1f} ms | {br_p95:.1f} ms |")
    how = f"timed on {sample:,} random active profiles, extrapolated" if sample else "every active profile"
    log(f"| naive loop: facts from the ORM, spec.score for every profile ({how}) | {naive_total:,.0f} ms | |")
    log(
        f"| re-match one profile against {Mandate.objects.open().count():,} open mandates | {r_med:.1f} ms | {r_p95:.1f} ms |"
    )
    log(f"| edit + re-index + re-match one profile | {e_med:.1f} ms | {e_p95:.1f} ms |")
    log("")
    log(
        f"ratios (medians, typical brief): naive / fast ×{naive_total / t_med:,.0f}; fast / reference ×{t_med / tr_med:.1f}"
    )
    log(
        f"ratios (medians, broad brief): naive / fast ×{naive_total / b_med:,.0f}; fast / reference ×{b_med / br_med:.1f}"
    )


if __name__ == "__main__":
    main()

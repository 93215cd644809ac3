"""Benchmark of the analytics on PostgreSQL + Redis: the staff analytics page and the manager's dashboard panel
(warm: read from the shared cache), the beat task that warms it, and the daily snapshot.

    createdb -h 127.0.0.1 -U postgres manatnet_bench_analytics
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/manatnet_bench_analytics REDIS_URL=redis://127.0.0.1:6379/13 \\
    DEBUG=false SECRET_KEY=bench ALLOWED_HOSTS=testserver SECURE_SSL_REDIRECT=false \\
        .venv/bin/python bench/analytics.py --managers 100000          # add --reuse to keep the data

Generates, in SQL, N managers registered over four years (functions and industries skewed: a few common, a long
tail), each with a fate drawn like real ones: a log-normal wait for a first mandate (median 18 months, so about a
fifth are placed), a 40 % chance to give up at some point in the first year, else still waiting. Every placement
has a won mandate of one of 300 clients, owned by one of 10 staff members; 15 % more mandates were lost; 300
mandates opened in the last 90 days are open (three must-have skills, German C1). Each past mandate has four
candidacies with consent requests, answers and five to six stage changes. Then it times:

- ``store.warm()`` (what beat runs every ``ANALYTICS_WARM_MINUTES``) and one daily snapshot;
- the staff page ``/admin/analytics/`` through Django's test client (middleware, session, second factor, template):
  unfiltered, filtered by a function, and one CSV file;
- the dashboard panel of random managers (``analytics.panel.manager_panel`` and its template) and, for context,
  the whole dashboard page (which also ranks open mandates for the manager).

Only for a database whose name contains "bench": it empties the user, manager and mandate tables.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manatnet.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from managers.models import Function, Industry, Language, ManagerProfile, Region, Skill  # noqa: E402
from mandates.analytics import panel, snapshots, store  # noqa: E402
from mandates.analytics.segments import Filters  # noqa: E402
from mandates.models import ClientCompany  # noqa: E402

STAFF = 10
CLIENTS = 300
OPEN_MANDATES = 300
PASSWORD = "bench-analytics-2026"  # noqa: S105  (benchmark data only)


def sql(statement, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        if cursor.description:
            return cursor.fetchall()
    return None


def log(message):
    print(message, flush=True)


# --- Generation ----------------------------------------------------------------------------------------------------


def reference():
    rng = random.Random(7)

    def popular_first(queryset):
        ids = sorted(queryset.values_list("id", flat=True))
        rng.shuffle(ids)
        return ids

    return {
        "functions": popular_first(Function.objects.all()),
        "industries": popular_first(Industry.objects.filter(parent__isnull=False)),
        "skills": popular_first(Skill.objects.all()),
        "states": sorted(Region.objects.filter(kind=Region.Kind.STATE).values_list("id", flat=True)),
        "de": Language.objects.get(code="de").id,
    }


SKEWED = "(%(ids)s::bigint[])[1 + floor(cardinality(%(ids)s::bigint[]) * power(random(), 1.6))::int]"


def generate_managers(n, ref):
    sql(
        "INSERT INTO auth_user (password, last_login, is_superuser, username, first_name, last_name, email, "
        "is_staff, is_active, date_joined) SELECT '!', CASE WHEN random() < 0.6 THEN now() - random() * interval "
        "'120 days' END, false, 'bench' || g || '@example.com', 'Bench', 'Manager ' || g, 'bench' || g || "
        "'@example.com', false, true, now() FROM generate_series(1, %(n)s) g",
        {"n": n},
    )
    sql(
        "INSERT INTO managers_managerprofile (public_id, phone, linkedin_url, city, postal_code, headline, summary, "
        "remote_share, available_from, days_per_week, availability_confirmed_at, day_rate_min, day_rate_target, "
        "cv_file, cv_original_name, registered_at, status, status_changed_at, left_reason, notify_matches, "
        "email_language, user_id, home_region_id, completed_at) "
        "SELECT gen_random_uuid(), '+49 221 1', '', 'Köln', '50667', 'Interim Manager', '', 20, "
        "current_date + (random() * 120)::int, 5, now() - random() * interval '120 days', rate - 100, rate, '', '', "
        "reg, 'active', reg, '', 'instant', 'de', id, "
        "(%(states)s::bigint[])[1 + floor(random() * cardinality(%(states)s::bigint[]))::int], "
        "CASE WHEN random() < 0.85 THEN reg + random() * interval '30 days' END "
        "FROM (SELECT id, now() - random() * interval '1460 days' AS reg, (800 + floor(random() * 13) * 100)::int "
        "AS rate FROM auth_user WHERE username LIKE 'bench%%') u",
        {"states": ref["states"]},
    )
    for table, column, ids, extra in (
        ("managers_managerprofile_functions", "function_id", ref["functions"], 0.5),
        ("managers_managerprofile_industries", "industry_id", ref["industries"], 0.7),
        ("managers_managerprofile_skills", "skill_id", ref["skills"], 0.9),
    ):
        sql(
            f"INSERT INTO {table} (managerprofile_id, {column}) SELECT DISTINCT p.id, {SKEWED} "  # noqa: S608
            "FROM managers_managerprofile p, generate_series(1, 5) k WHERE k = 1 OR random() < %(extra)s ^ k",
            {"ids": ids, "extra": extra},
        )
    sql(
        "INSERT INTO managers_languageskill (profile_id, language_id, level) SELECT id, %s, 7 FROM managers_managerprofile",
        [ref["de"]],
    )


def generate_fates():
    """Who got a first mandate when, who gave up when: log-normal waits (median 540 days), 40 % would leave."""
    sql(
        "CREATE TEMP TABLE fate AS SELECT id, registered_at AS reg, registered_at + exp(ln(540) + 1.0 * "
        "sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())) * interval '1 day' AS placed, CASE WHEN random() "
        "< 0.4 THEN registered_at + (20 + random() * 330) * interval '1 day' END AS leaves FROM managers_managerprofile"
    )
    sql("UPDATE fate SET placed = NULL WHERE placed > now() OR placed > coalesce(leaves, 'infinity')")
    sql("UPDATE fate SET leaves = NULL WHERE leaves > now() OR placed IS NOT NULL")
    sql(
        "INSERT INTO managers_managerstatuschange (from_status, to_status, at, reason, profile_id) "
        "SELECT '', 'active', reg, '', id FROM fate UNION ALL "
        "SELECT 'active', 'left', leaves, 'Erwartungen', id FROM fate WHERE leaves IS NOT NULL UNION ALL "
        "SELECT 'active', 'placed', placed, '', id FROM fate WHERE placed IS NOT NULL"
    )
    sql(
        "UPDATE managers_managerprofile p SET status = CASE WHEN f.placed IS NOT NULL THEN 'placed' ELSE 'left' END, "
        "status_changed_at = coalesce(f.placed, f.leaves) FROM fate f WHERE f.id = p.id AND "
        "(f.placed IS NOT NULL OR f.leaves IS NOT NULL)"
    )


def generate_mandates(ref, staff_ids, company_ids):
    """A won mandate per placement, 15 % lost ones, open ones; candidacies, consent requests, stage changes."""
    sql(
        "CREATE TEMP TABLE past AS SELECT nextval(pg_get_serial_sequence('mandates_mandate', 'id')) AS id, "
        "id AS manager_id, placed - (20 + random() * 55) * interval '1 day' AS opened, placed AS closed, 'won' AS "
        "status FROM fate WHERE placed IS NOT NULL"
    )
    sql(
        "INSERT INTO past SELECT nextval(pg_get_serial_sequence('mandates_mandate', 'id')), NULL, o, "
        "o + (30 + random() * 60) * interval '1 day', 'lost' FROM (SELECT now() - interval '60 days' - random() * "
        "interval '1400 days' AS o FROM past TABLESAMPLE BERNOULLI (15)) s"
    )
    columns = (
        "id, title, brief, public_summary, location_city, remote_share, start_date, start_flex_days, days_per_week, "
        "budget_day_rate, budget_tolerance_pct, require_availability, require_languages, require_region, "
        "weight_skills, weight_function, weight_industry, weight_languages, weight_region, weight_availability, "
        "weight_rate, status, created_at, opened_at, closed_at, company_id, function_id, owner_id, region_id, "
        "matched_at, shortlist_sent_at, public_title"
    )
    values = (
        "'bench', '', '', '', 0, {start}, 14, 5, (900 + floor(random() * 10) * 100)::int, 10, true, true, false, "
        "35, 15, 10, 10, 10, 10, 10, {status}, {opened}, {opened}, {closed}, "
        "(%(companies)s::bigint[])[1 + floor(random() * cardinality(%(companies)s::bigint[]))::int], "
        f"{SKEWED}, (%(staff)s::int[])[1 + floor(random() * cardinality(%(staff)s::int[]))::int], NULL, "
        "{opened}, NULL, 'Interim'"
    )
    params = {"companies": company_ids, "staff": staff_ids, "ids": ref["functions"]}
    sql(
        f"INSERT INTO mandates_mandate ({columns}) SELECT id, "  # noqa: S608
        + values.format(start="NULL", status="status", opened="opened", closed="closed")
        + " FROM past",
        params,
    )
    sql(
        f"INSERT INTO mandates_mandate ({columns}) SELECT nextval(pg_get_serial_sequence('mandates_mandate', "  # noqa: S608
        "'id')), "
        + values.format(start="current_date + 30", status="'open'", opened="o", closed="NULL")
        + " FROM (SELECT now() - random() * interval '90 days' AS o FROM generate_series(1, %(open)s)) s",
        {**params, "open": OPEN_MANDATES},
    )
    sql(
        "INSERT INTO mandates_mandate_required_skills (mandate_id, skill_id) SELECT DISTINCT m.id, "  # noqa: S608
        f"{SKEWED} FROM mandates_mandate m, generate_series(1, 3) WHERE m.status = 'open'",
        {"ids": ref["skills"]},
    )
    sql(
        "INSERT INTO mandates_mandatelanguage (mandate_id, language_id, min_level, required) "
        "SELECT id, %s, 5, true FROM mandates_mandate WHERE status = 'open'",
        [ref["de"]],
    )
    sql(
        "INSERT INTO mandates_placement (placed_at, starts_on, manager_id, mandate_id, manager_day_rate, "
        "client_day_rate) SELECT closed, closed::date + 14, manager_id, id, 1200, 1500 FROM past WHERE status = 'won'"
    )
    sql(
        "INSERT INTO mandates_mandatestatuschange (from_status, to_status, at, mandate_id) "
        "SELECT 'draft', 'open', opened, id FROM past UNION ALL "
        "SELECT 'open', 'presented', opened + interval '8 days', id FROM past UNION ALL "
        "SELECT 'presented', status, closed, id FROM past"
    )
    generate_candidacies()


def generate_candidacies():
    low, high = sql("SELECT min(id), max(id) FROM managers_managerprofile")[0]
    sql(
        "CREATE TEMP TABLE cand AS SELECT nextval(pg_get_serial_sequence('mandates_candidacy', 'id')) AS id, "
        "p.id AS mandate_id, CASE WHEN k = 0 AND p.manager_id IS NOT NULL THEN p.manager_id ELSE "
        "%(low)s + floor(random() * (%(high)s - %(low)s))::bigint END AS manager_id, k = 0 AND p.status = 'won' "
        "AS chosen, random() < 0.4 AS met, p.opened + (0.5 + random() * 2) * interval '1 day' AS t0, p.closed "
        "FROM past p, generate_series(0, 3) k",
        {"low": low, "high": high},
    )
    sql(
        "ALTER TABLE cand ADD t1 timestamptz, ADD t2 timestamptz, ADD t3 timestamptz, ADD t4 timestamptz; "
        "UPDATE cand SET t1 = t0 + random() * interval '3 days', t2 = t0 + interval '4 days' + random() * "
        "interval '2 days', t3 = t0 + interval '7 days', t4 = t0 + interval '8 days' + random() * interval '8 days'"
    )
    sql(
        "INSERT INTO mandates_candidacy (id, stage, position, note_for_client, score_detail, manager_response, "
        "manager_response_reason, responded_at, client_wants_meeting, client_feedback, client_feedback_at, "
        "created_at, updated_at, manager_id, mandate_id, presented_at, released_cv_file, released_cv_name, "
        "client_number, consent_at, show_score_to_client, manager_reason, manager_reason_text) "
        "SELECT id, CASE WHEN chosen THEN 'placed' WHEN met THEN 'withdrawn' ELSE 'declined' END, 0, '', '{}', "
        "'interested', '', t1, chosen OR met, '', t4, t0, closed, manager_id, mandate_id, t3, '', '', 1, t1, false, "
        "CASE WHEN chosen OR met THEN '' ELSE 'other_focus' END, '' FROM cand ON CONFLICT DO NOTHING"
    )
    sql("DELETE FROM cand c WHERE NOT EXISTS (SELECT 1 FROM mandates_candidacy x WHERE x.id = c.id)")
    sql(
        "INSERT INTO mandates_consentrequest (public_id, reveal_client, sent_at, expires_at, closed_at, outcome, "
        "channel, candidacy_id) SELECT gen_random_uuid(), false, t0 + interval '2 hours', t0 + interval '14 days', "
        "t1, 'agreed', 'link', id FROM cand"
    )
    sql(
        "INSERT INTO mandates_stagechange (from_stage, to_stage, at, reason, candidacy_id) "
        "SELECT '', 'proposed', t0, '', id FROM cand UNION ALL "
        "SELECT 'proposed', 'interested', t1, '', id FROM cand UNION ALL "
        "SELECT 'interested', 'shortlisted', t2, '', id FROM cand UNION ALL "
        "SELECT 'shortlisted', 'presented', t3, '', id FROM cand UNION ALL "
        "SELECT 'presented', CASE WHEN chosen OR met THEN 'interview' ELSE 'declined' END, t4, '', id FROM cand "
        "UNION ALL SELECT 'interview', CASE WHEN chosen THEN 'placed' ELSE 'withdrawn' END, closed, '', id "
        "FROM cand WHERE chosen OR met"
    )


def generate(n):
    t0 = time.perf_counter()
    ref = reference()
    sql("SET session_replication_role = replica")  # bench database only: no per-row foreign-key triggers
    sql("SELECT setseed(0.14)")
    sql(
        "TRUNCATE mandates_candidateindex, managers_managerprofile, auth_user, mandates_mandate, "
        "mandates_clientcompany, mandates_analyticssnapshot, managers_erasedmanagerrecord CASCADE"
    )
    User = get_user_model()
    password = make_password(PASSWORD)
    staff = [
        User.objects.create(
            username=f"staff{i}@bench.example",
            email=f"staff{i}@bench.example",
            first_name="Staff",
            last_name=str(i),
            is_staff=True,
            is_superuser=True,
            password=password,
        )
        for i in range(STAFF)
    ]
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=staff[0], email=staff[0].email, verified=True, primary=True)
    companies = ClientCompany.objects.bulk_create([ClientCompany(name=f"Bench Kunde {i}") for i in range(CLIENTS)])
    generate_managers(n, ref)
    log(f"  managers and relations: {time.perf_counter() - t0:.0f} s")
    generate_fates()
    generate_mandates(ref, [u.id for u in staff], [c.id for c in companies])
    sql("SET session_replication_role = DEFAULT")
    sql("ANALYZE")
    log(f"  generated in {time.perf_counter() - t0:.0f} s")


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


def report(label, times):
    median, p95 = summary(times)
    log(f"{label:<58} median {median:7.1f} ms   p95 {p95:7.1f} ms   ({len(times)} runs)")


def staff_client():
    """A staff session that passed the second factor, through the real login forms."""
    from tests import factories

    user = get_user_model().objects.get(username="staff0@bench.example")
    client = Client(HTTP_HOST="testserver")
    factories.login_with_totp(client, user, password=PASSWORD)
    return client


def get(client, url, **params):
    response = client.get(url, params, secure=True)
    assert response.status_code == 200, (url, response.status_code)
    return response


def measure(runs):
    counts = sql(
        "SELECT (SELECT count(*) FROM managers_managerprofile), (SELECT count(*) FROM mandates_placement), "
        "(SELECT count(*) FROM managers_managerprofile WHERE status = 'left'), (SELECT count(*) FROM "
        "mandates_mandate), (SELECT count(*) FROM mandates_candidacy), (SELECT count(*) FROM mandates_stagechange)"
    )[0]
    log("managers {:,}, placed {:,}, gave up {:,}, mandates {:,}, candidacies {:,}, stage changes {:,}".format(*counts))
    log(f"cache: {cache.__class__.__name__}; load (uptime): {os.getloadavg()}")

    cache.delete(store.key("warming"))
    report("warm (beat task: facts, both reports, panel data)", timed(store.warm, 2))
    snapshots.compute(timezone.localdate())  # imports settled
    report("daily snapshot (compute one day)", timed(lambda: snapshots.compute(timezone.localdate()), 2))

    client = staff_client()
    function = sql(
        "SELECT function_id FROM managers_managerprofile_functions GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    )[0][0]
    # The first request for a filter enqueues its computation (a worker's job); done here in-process.
    report(
        "report for one function (the task behind a new filter)",
        timed(lambda: store.compute_report(Filters(function=function).key()), 1),
    )
    get(client, "/admin/analytics/")
    report("staff page /admin/analytics/ (warm)", timed(lambda: get(client, "/admin/analytics/"), runs))
    report(
        "staff page, filtered by the most common function (warm)",
        timed(lambda: get(client, "/admin/analytics/", function=function), runs),
    )
    report(
        "staff page, from profile completion (warm)",
        timed(lambda: get(client, "/admin/analytics/", clock="completion"), runs),
    )
    report("CSV of the segment table by function", timed(lambda: get(client, "/admin/analytics/by_function.csv"), runs))

    ids = list(ManagerProfile.objects.values_list("id", flat=True))
    rng = random.Random(3)
    sample = list(ManagerProfile.objects.select_related("user").filter(id__in=rng.sample(ids, runs)))

    def one_panel(profile):
        data = panel.manager_panel(profile)
        render_to_string("mandates/_time_to_mandate_panel.html", {"profile": profile, "panel": data})

    one_panel(sample[0])
    times = []
    for profile in sample:
        t0 = time.perf_counter()
        one_panel(profile)
        times.append((time.perf_counter() - t0) * 1000)
    report("dashboard panel: data + template (random managers, warm)", times)

    manager_client = Client(HTTP_HOST="testserver")
    times = []
    for profile in sample[: max(runs // 4, 10)]:
        manager_client.force_login(profile.user)
        t0 = time.perf_counter()
        get(manager_client, "/manager/")
        times.append((time.perf_counter() - t0) * 1000)
    report("whole dashboard page incl. matching open mandates (context)", times)
    anonymous = Client(HTTP_HOST="testserver")
    report("sign-up page with the base rate", timed(lambda: get(anonymous, "/accounts/signup/"), runs))
    log(f"load (uptime) after: {os.getloadavg()}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--managers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--reuse", action="store_true", help="keep the generated data when it has N managers")
    args = parser.parse_args()
    name = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql" or "bench" not in name:
        sys.exit("Refusing: run against a PostgreSQL database whose name contains 'bench'.")
    have = ManagerProfile.objects.count()
    if not (args.reuse and have == args.managers):
        log(f"generating {args.managers:,} managers in {name} …")
        generate(args.managers)
    measure(args.runs)


if __name__ == "__main__":
    main()

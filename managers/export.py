"""GDPR export (Art. 15 and 20): the parts of a person's export that ``managers`` holds. Each function takes the
person's rows of one model (``managers/personal_data.py`` declares which); ``manatnet.privacy`` assembles the
export from every app's parts and zips it with the CV."""

from manatnet import privacy

from .cv import cv_path

PROFILE_FIELDS = [
    "public_id",
    "phone",
    "linkedin_url",
    "city",
    "postal_code",
    "headline",
    "summary",
    "remote_share",
    "available_from",
    "days_per_week",
    "availability_confirmed_at",
    "day_rate_min",
    "day_rate_target",
    "cv_original_name",
    "cv_uploaded_at",
    "registered_at",
    "completed_at",
    "status",
    "status_changed_at",
    "left_reason",
    "notify_matches",
    "email_language",
    "time_zone",
]


def _codes(queryset, field="code"):
    return [
        {"code": code, "name_de": de, "name_en": en}
        for code, de, en in queryset.values_list(field, "name_de", "name_en")
    ]


def profile_export(rows):
    profile = rows.select_related("country", "home_region").first()
    if profile is None:
        return None
    return {
        **{name: getattr(profile, name) for name in PROFILE_FIELDS},
        "country": profile.country.code if profile.country else None,
        "home_region": profile.home_region.code if profile.home_region else None,
        "functions": _codes(profile.functions.all()),
        "industries": _codes(profile.industries.all()),
        "skills": _codes(profile.skills.all(), "slug"),
        "accepted_regions": _codes(profile.accepted_regions.all()),
    }


def profile_files(rows):
    """The current CV under its original name."""
    return [(f"cv/{p.cv_original_name or 'cv'}", cv_path(p.cv_file)) for p in rows if p.cv_file]


def languages_export(rows):
    return [{"language": ls.language.code, "level": ls.get_level_display()} for ls in rows.select_related("language")]


def history_export(rows):
    return [
        {
            "role": e.role,
            "company": e.company,
            "industry": e.industry.code if e.industry else None,
            "company_size": e.company_size,
            "started_on": e.started_on,
            "ended_on": e.ended_on,
            "outcome": e.outcome,
        }
        for e in rows.select_related("industry")
    ]


def status_changes_export(rows):
    return [{"from": c.from_status, "to": c.to_status, "at": c.at, "reason": c.reason} for c in rows]


def manager_export_zip(profile, *, by):
    """The zip a manager downloads (or staff hand out on request): ``data.json`` with everything held about them
    and their CV. ``by`` is who asked for it, for the audit log."""
    return privacy.export_zip(profile.user, by=by)

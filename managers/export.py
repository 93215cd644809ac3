"""GDPR export (Art. 15 and 20): everything the platform holds about a manager, as JSON plus the CV, in one zip."""

import io
import json
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from .cv import cv_path
from .models import ManagerProfile
from .signals import export_requested

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
    "status",
    "status_changed_at",
    "left_reason",
    "notify_matches",
    "email_language",
]


def _codes(queryset, field="code"):
    return [
        {"code": code, "name_de": de, "name_en": en}
        for code, de, en in queryset.values_list(field, "name_de", "name_en")
    ]


def manager_export_data(profile):
    """The export as a plain dict (what ``data.json`` in the zip contains)."""
    profile = (
        ManagerProfile.objects.select_related("user", "country", "home_region")
        .prefetch_related("language_skills__language", "history__industry", "status_changes")
        .get(pk=profile.pk)
    )
    user = profile.user
    data = {
        "exported_at": timezone.now(),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "email_addresses": list(user.emailaddress_set.values("email", "verified", "primary")),
        },
        "profile": {name: getattr(profile, name) for name in PROFILE_FIELDS},
        "country": profile.country.code if profile.country else None,
        "home_region": profile.home_region.code if profile.home_region else None,
        "functions": _codes(profile.functions.all()),
        "industries": _codes(profile.industries.all()),
        "skills": _codes(profile.skills.all(), "slug"),
        "accepted_regions": _codes(profile.accepted_regions.all()),
        "languages": [
            {"language": ls.language.code, "level": ls.get_level_display()} for ls in profile.language_skills.all()
        ],
        "mandate_history": [
            {
                "role": e.role,
                "company": e.company,
                "industry": e.industry.code if e.industry else None,
                "company_size": e.company_size,
                "started_on": e.started_on,
                "ended_on": e.ended_on,
                "outcome": e.outcome,
            }
            for e in profile.history.all()
        ],
        "status_changes": [
            {"from": c.from_status, "to": c.to_status, "at": c.at, "reason": c.reason}
            for c in profile.status_changes.all()
        ],
        "privacy_consents": list(user.privacy_consents.values("version", "given_at")),
        "notifications": list(user.notifications.values("kind", "key", "state", "created_at", "sent_at")),
    }
    # Apps that hold more about the manager (candidacies in ``mandates``) add their part without us importing them.
    for _receiver, section in export_requested.send(sender=ManagerProfile, profile=profile):
        if section:
            name, value = section
            data[name] = value
    return data


def manager_export_zip(profile):
    """Bytes of a zip with ``data.json`` and, when there is one, the CV under its original name."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json", json.dumps(manager_export_data(profile), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        )
        if profile.cv_file:
            path = cv_path(profile.cv_file)
            if path.is_file():
                archive.write(path, f"cv/{profile.cv_original_name or path.name}")
    return buffer.getvalue()

"""The staff groups (mandates/roles.py, created by a data migration): what each role can and cannot open."""

from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse

from managers.services import cv_replace
from mandates import roles
from tests import factories
from tests.managers.files import PDF_BYTES, upload

pytestmark = pytest.mark.django_db
SECURITY_MD = Path(__file__).resolve().parents[2] / "docs" / "security.md"


@pytest.fixture
def groups():
    if not Group.objects.exists():  # a transactional test before this one flushed the migration's rows
        roles.create_groups(apps)


def labels(group):
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_the_migration_creates_the_three_groups_with_exactly_their_permissions(groups):
    assert set(Group.objects.values_list("name", flat=True)) >= {"Vermittlung", "Teamleitung", "Administration"}
    for name, permissions in roles.GROUPS.items():
        assert labels(Group.objects.get(name=name)) == set(permissions), name
    # Each role is the one before it plus more.
    assert set(roles.VERMITTLUNG) < set(roles.TEAMLEITUNG) < set(roles.ADMINISTRATION)


def test_every_custom_permission_and_group_is_documented():
    text = SECURITY_MD.read_text()
    for app_label in ("manatnet", "managers", "mandates", "notifications"):
        for model in apps.get_app_config(app_label).get_models():
            for codename, _name in model._meta.permissions:
                assert f"`{app_label}.{codename}`" in text, codename
    for name in roles.GROUPS:
        assert f"**{name}**" in text, name


@pytest.fixture
def workplace(groups):
    """A presented candidate with a CV on an open mandate; a URL for each kind of work."""
    mandate, manager = factories.mandate(), factories.manager("kandidat@example.com")
    factories.client_contact(company_obj=mandate.company)
    cv_replace(profile=manager, upload=upload("cv.pdf", PDF_BYTES), kind="pdf", display_name="cv.pdf")
    candidacy = factories.presented(mandate, manager, factories.user(staff=True))
    return {
        "ranking": reverse("admin:mandates_mandate_ranking", args=[mandate.pk]),
        "shortlist": reverse("admin:mandates_mandate_shortlist", args=[mandate.pk]),
        "profile": reverse("admin:managers_managerprofile_change", args=[manager.pk]),
        "cv": reverse("manager_cv_staff", args=[manager.public_id]),
        "audit": reverse("admin:manatnet_auditentry_changelist"),
        "analytics": reverse("staff_analytics"),
        "notifications": reverse("admin:notifications_notification_changelist"),
        "export": reverse("admin:managers_managerprofile_export", args=[manager.pk]),
        "erase": reverse("admin:managers_managerprofile_erase", args=[manager.pk]),
        "users": reverse("admin:auth_user_changelist"),
        "industries_add": reverse("admin:managers_industry_add"),
        "release": reverse("admin:mandates_candidacy_release", args=[candidacy.pk]),
    }


OPENS = {
    "Vermittlung": {"ranking", "shortlist", "profile", "cv", "notifications"},
    "Teamleitung": {"ranking", "shortlist", "profile", "cv", "notifications", "audit", "analytics", "export"},
    "Administration": {
        "ranking",
        "shortlist",
        "profile",
        "cv",
        "notifications",
        "audit",
        "analytics",
        "export",
        "erase",
        "users",
        "industries_add",
    },
}


@pytest.mark.parametrize("role", list(OPENS))
def test_each_role_opens_its_work_and_nothing_more(client, workplace, role):
    member = factories.user(f"{role.lower()}@example.com", staff=True)
    member.is_superuser = False
    member.save()
    member.groups.add(Group.objects.get(name=role))
    factories.login_with_totp(client, member)
    for page, url in workplace.items():
        if page == "release":
            continue
        status = client.get(url).status_code
        assert status == (200 if page in OPENS[role] else 403), (role, page, status)
    # Every role does the brokering itself: releasing a presented candidate to the client.
    assert client.post(workplace["release"]).status_code == 302

"""Least privilege for staff: every staff page checks the permission it needs, not just ``is_staff``.

The permission walk finds every staff page from the URL configuration (tests/site_walk.py: the whole /admin/ tree,
custom admin views included, and every view declaring permissions with ``manatnet.staff.staff_view`` wherever it is
mounted). For each it takes what the page requires (declared, or Django's model permissions for the admin's own
views) and opens it as a staff member with a second factor who holds every permission but one of those (403 for
GET and POST), then with only the required ones (the same answer a superuser gets). A staff page added later that
declares nothing fails the walk; so does one that declares a permission it does not check.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.http import HttpResponse
from django.test import Client
from django.urls import clear_url_caches, path, reverse
from django.views.generic import RedirectView

from managers.services import cv_replace
from manatnet.staff import staff_view
from mandates import demo
from mandates.models import Candidacy
from tests import factories, site_walk
from tests.managers.files import PDF_BYTES, upload

pytestmark = pytest.mark.django_db

Requirement = site_walk.Requirement

# Pages every staff member may open, and why; third-party views with a check of their own.
KNOWN = {
    "admin:index": Requirement(open_to_staff="lists only the models the person may see (tested below)"),
    "admin:app_list": Requirement(open_to_staff="lists only the models the person may see, 404 without any"),
    "admin:autocomplete": Requirement(open_to_staff="answers only about models the person may view (tested below)"),
    "admin:view_on_site": Requirement(open_to_staff="redirects to the object's own page, which checks access"),
    "admin:jsi18n": Requirement(open_to_staff="the admin's translations for its scripts"),
    "admin:login": Requirement(open_to_staff="the login (allauth's, with lockout and second factor)"),
    "staff_login": Requirement(open_to_staff="the login (allauth's, with lockout and second factor)"),
    "admin:logout": Requirement(open_to_staff="logging out"),
    "admin:password_change": Requirement(open_to_staff="changing one's own password"),
    "admin:password_change_done": Requirement(open_to_staff="changing one's own password"),
    "admin:auth_user_password_change": Requirement(all_of=("auth.change_user",)),
    "admin:auth_user_add": Requirement(all_of=("auth.add_user", "auth.change_user")),  # Django's UserAdmin
}


def unnamed(page):
    """The admin's unnamed patterns: the catch-all (404 or a redirect to add a slash) and the redirect from an
    object's URL to its change page (which checks)."""
    callback = page.callback
    if getattr(callback, "view_class", None) is RedirectView or callback.__name__ == "catch_all_view":
        return Requirement(open_to_staff="a redirect or a 404")
    return None


def refused(response):
    if response.status_code == 403:
        return True
    location = response.get("Location", "") if response.status_code == 302 else ""
    return location.startswith(("/admin/login/", "/accounts/login/"))


class Walker:
    """A staff member with a second factor whose permissions change between requests (each request loads them
    afresh), so one login serves the whole walk."""

    def __init__(self):
        self.user = factories.user("walker@example.com", staff=True)
        self.user.is_superuser = False
        self.user.save()
        self.client = Client()
        factories.login_with_totp(self.client, self.user)
        self.permissions = {
            f"{p.content_type.app_label}.{p.codename}": p.pk for p in Permission.objects.select_related("content_type")
        }

    def hold(self, labels):
        self.user.user_permissions.set([self.permissions[label] for label in labels])

    def hold_all_but(self, missing):
        self.user.user_permissions.set([pk for label, pk in self.permissions.items() if label not in missing])


def walk(pages, *, walker, superuser, samples):
    """Open every page in ``pages`` as described in the module docstring; return the problems found and the
    URLs checked."""
    problems, checked = [], []
    for page in pages:
        needed = site_walk.requirement(page, KNOWN) or unnamed(page)
        label = page.name or page.route
        if needed is None:
            problems.append(f"{label}: declares no permission (use manatnet.staff.staff_view)")
            continue
        if needed.open_to_staff:
            continue
        try:
            url, found = site_walk.staff_url(page, samples)
        except LookupError as exc:
            problems.append(str(exc))
            continue
        if not found and getattr(page.callback, "model_admin", None):
            continue  # Django's own object pages send a missing object to the index before checking anything
        for missing in needed.missing_sets():
            walker.hold_all_but(missing)
            for method in (walker.client.get, walker.client.post):
                response = method(url)
                if not refused(response):
                    problems.append(
                        f"{method.__name__.upper()} {url} without {sorted(missing)}: {response.status_code}"
                    )
        expected = superuser.get(url).status_code
        walker.hold(needed.minimal())
        got = walker.client.get(url).status_code
        if got != expected:
            problems.append(f"GET {url} with {sorted(needed.minimal())}: {got}, a superuser gets {expected}")
        checked.append((url, expected))
    return problems, checked


@pytest.fixture
def demo_staff():
    staff, manager, _contact = site_walk.demo_personas()
    profile = manager.manager_profile
    cv_replace(profile=profile, upload=upload("cv.pdf", PDF_BYTES), kind="pdf", display_name="cv.pdf")
    superuser = Client()
    factories.login_with_totp(superuser, staff, password=demo.DEMO_PASSWORD)
    return superuser, {"manager_cv_staff": {"public_id": profile.public_id}, "staff_analytics_csv": {"table": "curve"}}


def test_every_staff_page_is_closed_without_its_permission_and_open_with_it(demo_staff):
    superuser, samples = demo_staff
    pages = site_walk.staff_pages()
    names = {page.name for page in pages}
    # The walk sees the admin's own pages, ours inside the admin and staff pages mounted elsewhere.
    assert {
        "admin:managers_managerprofile_change",
        "admin:mandates_mandate_ranking",
        "admin:mandates_candidacy_release",
        "admin:managers_managerprofile_erase",
        "admin:manatnet_auditentry_changelist",
        "staff_time_to_mandate",
        "staff_analytics",
        "staff_analytics_csv",
        "manager_cv_staff",
    } <= names
    problems, checked = walk(pages, walker=Walker(), superuser=superuser, samples=samples)
    assert not problems, "\n".join(problems)
    opened = {url for url, status in checked if status == 200}
    assert len(checked) > 100 and len(opened) > 80, (len(checked), len(opened))  # the walk is no formality


def workspace(request):
    return HttpResponse("Arbeitsplatz mit Kandidaten")


def pretends_to_check(request):
    return HttpResponse("Arbeitsplatz mit Kandidaten")


pretends_to_check.staff_permissions = ("mandates.view_mandate",)  # declared, but nothing checks it

LATER_PAGES = [
    path("admin/workspace/", admin.site.admin_view(staff_view("mandates.view_mandate")(workspace)), name="ws_ok"),
    path("admin/workspace/unchecked/", admin.site.admin_view(workspace), name="ws_unchecked"),
    path("admin/workspace/pretends/", admin.site.admin_view(pretends_to_check), name="ws_pretends"),
    path("elsewhere/staff-board/", staff_view("mandates.view_candidacy")(workspace), name="ws_elsewhere"),
]
urlpatterns = []  # filled by the test below: the real URLs plus LATER_PAGES


def test_a_staff_page_added_later_passes_only_if_it_declares_and_checks_its_permission(settings, demo_staff):
    from manatnet import urls

    superuser, samples = demo_staff
    urlpatterns[:] = LATER_PAGES + urls.urlpatterns
    settings.ROOT_URLCONF = __name__
    clear_url_caches()
    try:
        later = [page for page in site_walk.staff_pages() if page.name.startswith("ws_")]
        assert {page.name for page in later} == {"ws_ok", "ws_unchecked", "ws_pretends", "ws_elsewhere"}
        problems, _checked = walk(later, walker=Walker(), superuser=superuser, samples=samples)
    finally:
        clear_url_caches()
    assert len(problems) == 3, problems
    assert problems[0] == "ws_unchecked: declares no permission (use manatnet.staff.staff_view)"
    assert all("/admin/workspace/pretends/" in problem for problem in problems[1:])


def test_pages_open_to_every_staff_member_show_nothing_without_permissions(client):
    factories.mandate()
    nobody = factories.user("nobody@example.com", staff=True)
    nobody.is_superuser = False
    nobody.save()
    factories.login_with_totp(client, nobody)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert "mandates/mandate" not in index.content.decode() and "managerprofile" not in index.content.decode()
    assert "time-to-mandate" not in index.content.decode()
    assert client.get(reverse("admin:app_list", args=["mandates"])).status_code == 404
    autocomplete = reverse("admin:autocomplete") + "?app_label=mandates&model_name=mandate&field_name=company"
    assert client.get(autocomplete).status_code == 403


def test_no_page_outside_the_admin_gives_staff_without_permissions_more_than_other_users(client):
    """A staff page that checks only is_staff, wherever it is mounted, would answer 200 here where a logged-in
    person without staff rights is turned away."""
    nobody = factories.user("nobody@example.com", staff=True)
    nobody.is_superuser = False
    nobody.save()
    factories.login_with_totp(client, nobody)
    outsider, person = Client(), factories.user("outsider@example.com")
    factories.enrol_totp(person)  # the account pages differ for people with a second factor
    outsider.force_login(person)
    for url in site_walk.plain_urls():
        if url.startswith("/admin/"):
            continue
        as_staff, as_outsider = client.get(url).status_code, outsider.get(url).status_code
        assert not (as_staff == 200 and as_outsider != 200), url


def _needed_for(model, model_admin, action, required):
    """The permissions behind an action's ``permissions=[...]``: the model's own for view/add/change/delete,
    else the one our ``has_<name>_permission`` checks (``manatnet.staff.permission_method``)."""
    needed = set()
    for permission in required:
        if permission in ("view", "add", "change", "delete"):
            needed.add(f"{model._meta.app_label}.{permission}_{model._meta.model_name}")
        else:
            check = getattr(model_admin, f"has_{permission}_permission")
            assert hasattr(check, "permission"), f"{action}: use manatnet.staff.permission_method"
            needed.add(check.permission)
    return needed


def test_every_admin_action_requires_a_permission_and_is_offered_only_with_it(rf):
    walker = Walker()
    superuser = factories.user("root@example.com", staff=True)

    def actions(model_admin, user):
        request = rf.get("/")
        request.user = type(user).objects.get(pk=user.pk)  # permissions loaded afresh
        return model_admin.get_actions(request)

    for model, model_admin in admin.site._registry.items():
        for function, name, _description in model_admin._get_base_actions():
            required = getattr(function, "allowed_permissions", ())
            assert required, f"{model._meta.label}: action {name} names no permission"
            needed = _needed_for(model, model_admin, name, required)
            walker.hold_all_but(needed)
            assert name not in actions(model_admin, walker.user), (model._meta.label, name)
            if name in actions(model_admin, superuser):  # else closed for everyone (e.g. deleting people)
                walker.hold(needed | {f"{model._meta.app_label}.view_{model._meta.model_name}"})
                assert name in actions(model_admin, walker.user), (model._meta.label, name)


def test_releasing_through_the_admin_action_needs_the_release_permission(client):
    mandate, manager, staff = factories.mandate(), factories.manager(), factories.user(staff=True)
    factories.client_contact(company_obj=mandate.company)
    candidacy = factories.presented(mandate, manager, staff)
    consultant = factories.user("consultant@example.com", staff=True)
    consultant.is_superuser = False
    consultant.save()
    everything_else = Permission.objects.exclude(codename="release_candidate")
    consultant.user_permissions.set(everything_else)
    factories.login_with_totp(client, consultant)
    changelist = reverse("admin:mandates_candidacy_changelist")
    client.post(changelist, {"action": "release_identity", "_selected_action": [candidacy.pk]})
    assert Candidacy.objects.get(pk=candidacy.pk).released_at is None
    consultant.user_permissions.add(Permission.objects.get(codename="release_candidate"))
    client.post(changelist, {"action": "release_identity", "_selected_action": [candidacy.pk]})
    assert Candidacy.objects.get(pk=candidacy.pk).released_at is not None

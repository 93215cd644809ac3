"""The site's pages, found from the URL configuration rather than listed by hand, for tests that must cover every
page and form: header checks, the CSP browser check and the hostile-input corpus. A page added later is walked
without editing those tests.

* :func:`plain_urls` — every named URL pattern that needs no arguments;
* :func:`admin_object_urls` — every admin URL of one object (change, delete, history and our own per-mandate
  pages), for the first object of each registered model;
* :func:`own_object_urls` — the pages of a manager's and a client's own objects (history entries, mandates,
  candidates, the wizard and section pages);
* :func:`staff_pages` — every staff page (everything under /admin/, the admin's own and whatever is mounted beside
  it, and every view declaring permissions with ``manatnet.staff.staff_view`` wherever it lives), with the
  permissions it requires (:func:`requirement`) and a URL to open it (:func:`staff_url`), for the permission walk.
"""

from dataclasses import dataclass

from django.apps import apps
from django.contrib import admin
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse


def demo_personas():
    """Seed a small demo data set; returns its (staff, manager, client contact) users."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from mandates import demo

    call_command("seed_demo", managers=3, mandates=3, seed=5, verbosity=0)
    users = get_user_model().objects
    staff, manager, client = (
        users.get(email=f"{local}@{demo.DEMO_DOMAIN}") for local in ("admin", "anna.berger", "jens.vogel")
    )
    return staff, manager, client


def named_patterns(resolver=None, namespace=""):
    """(qualified name, pattern) of every named URL pattern, namespaces included."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def plain_urls():
    """Every named URL that reverses without arguments (static files and the i18n catalogue left out)."""
    urls = set()
    for name, _pattern in named_patterns():
        try:
            urls.add(reverse(name))
        except NoReverseMatch:
            continue
    return sorted(url for url in urls if not url.startswith(("/static/", "/i18n/js")))


def admin_object_urls():
    """Admin pages of one object per registered model, including custom per-object views (ranking, shortlist …)."""
    urls = []
    names = [name for name, _pattern in named_patterns() if name.startswith("admin:")]
    for model, _model_admin in admin.site._registry.items():
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        for name in names:
            if not name.startswith(prefix):
                continue
            try:
                urls.append(reverse(name, args=[obj.pk]))
            except NoReverseMatch:
                continue
    return sorted(set(urls))


def own_object_urls(manager_user, client_user):
    """The pages a manager and a client contact open for their own objects."""
    from managers.tokens import availability_confirm_token
    from managers.views import SECTIONS
    from mandates import access

    profile = manager_user.manager_profile
    manager = [reverse("manager_history_edit", args=[e.pk]) for e in profile.history.all()]
    manager += [reverse("manager_history_delete", args=[e.pk]) for e in profile.history.all()[:1]]
    manager += [reverse("manager_section", args=[s.slug]) for s in SECTIONS]
    manager += [reverse("manager_wizard", args=[s.slug]) for s in SECTIONS]
    manager.append(reverse("manager_availability_token", args=[availability_confirm_token(profile)]))
    client = [reverse("client_mandate_detail", args=[m.pk]) for m in access.client_mandates(client_user)]
    client += [reverse("client_candidate_cv", args=[c.pk]) for c in access.client_candidacies(client_user)[:1]]
    return manager, client


# --- Staff pages and the permissions they need -------------------------------------------------------------------


@dataclass(frozen=True)
class StaffPage:
    name: str  # the qualified URL name ("" for the admin's unnamed catch-all and redirects)
    route: str  # the route from the root, e.g. "admin/mandates/mandate/<int:pk>/ranking/"
    pattern: URLPattern

    @property
    def callback(self):
        return self.pattern.callback


@dataclass(frozen=True)
class Requirement:
    """What a staff page needs: every permission of ``all_of`` and, if given, one of ``any_of`` (the admin's
    "view or change"). ``open_to_staff`` instead says why any staff member may open it."""

    all_of: tuple = ()
    any_of: tuple = ()
    open_to_staff: str = ""

    def missing_sets(self):
        """Sets of permissions whose absence must close the page: each one of ``all_of``, all of ``any_of``."""
        sets = [{perm} for perm in self.all_of]
        if self.any_of:
            sets.append(set(self.any_of))
        return sets

    def minimal(self):
        return {*self.all_of, *self.any_of[:1]}


def _patterns(resolver=None, route="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, route + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield StaffPage(f"{namespace}{entry.name}" if entry.name else "", route + str(entry.pattern), entry)


def staff_pages():
    """Every staff page: the whole /admin/ tree and every view that declares staff permissions."""
    return [
        page
        for page in _patterns()
        if page.route.startswith("admin/") or getattr(page.callback, "staff_permissions", None)
    ]


# Django's own admin views, by what they do: Django checks the model permissions itself (verified by the walk).
STANDARD_VIEWS = {
    "changelist_view": ("view", "change"),
    "change_view": ("view", "change"),
    "history_view": ("view", "change"),
    "add_view": ("add",),
    "delete_view": ("delete",),
}


def _model_permissions(model_admin, actions):
    opts = model_admin.opts
    return tuple(f"{opts.app_label}.{action}_{opts.model_name}" for action in actions)


def requirement(page, known=None):
    """The permissions ``page`` requires: as ``known`` says (``{url name: Requirement}``, for third-party views
    and the pages any staff member may open), declared with ``staff_view``, or Django's model permissions for
    the admin's standard views. ``None``: the page declares nothing; the walk reports it."""
    if known and page.name in known:
        return known[page.name]
    callback = page.callback
    declared = tuple(getattr(callback, "staff_permissions", ()) or ())
    model_admin = getattr(callback, "model_admin", None)
    standard = STANDARD_VIEWS.get(getattr(callback, "__name__", ""))
    if model_admin is not None and standard is not None:
        permissions = _model_permissions(model_admin, standard)
        if len(permissions) > 1:
            return Requirement(all_of=declared, any_of=permissions)
        return Requirement(all_of=declared + permissions)
    if declared:
        return Requirement(all_of=declared)
    return (known or {}).get(page.name)


def _model_for(name):
    """The model an admin URL name belongs to ("admin:mandates_candidacy_release" → Candidacy)."""
    short = name.removeprefix("admin:")
    best = None
    for model in apps.get_models():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if short.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, model)
    return best[1] if best else None


def staff_url(page, samples=None):
    """``(url, found)``: a URL that opens ``page``, its arguments from ``samples`` (``{url name: kwargs}``), else
    the primary key of the first row of the model its admin URL name belongs to; ``found`` is False when there
    is no such row (0 is used: a page must check the permission before it looks anything up). Raises
    ``LookupError`` when it cannot tell."""
    if not page.name:
        raise LookupError(f"{page.route}: give the page a name, so that the walk can open it")
    if samples and page.name in samples:
        return reverse(page.name, kwargs=samples[page.name]), True
    names = list(page.pattern.pattern.converters) or list(page.pattern.pattern.regex.groupindex)
    if not names:
        return reverse(page.name), True
    model = _model_for(page.name)
    if model is None:
        raise LookupError(f"{page.name or page.route}: give the walk sample arguments for this page")
    first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
    return reverse(page.name, kwargs={name: first or 0 for name in names}), first is not None

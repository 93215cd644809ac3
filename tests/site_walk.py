"""The site's pages, found from the URL configuration rather than listed by hand, for tests that must cover every
page and form: header checks, the CSP browser check and the hostile-input corpus. A page added later is walked
without editing those tests.

* :func:`plain_urls` — every named URL pattern that needs no arguments;
* :func:`admin_object_urls` — every admin URL of one object (change, delete, history and our own per-mandate
  pages), for the first object of each registered model;
* :func:`own_object_urls` — the pages of a manager's and a client's own objects (history entries, mandates,
  candidates, the wizard and section pages).
"""

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

"""Least privilege for staff: every staff page and file download checks the permission it needs, not just
``is_staff``.

* :func:`staff_view` declares and checks the permissions of a staff page (a plain view or a ``ModelAdmin`` method
  registered in ``get_urls``)::

      @staff_view("mandates.view_mandate", "managers.view_managerprofile")
      def ranking_view(self, request, pk): ...

      @staff_view("mandates.release_candidate", methods=["POST"])
      def release_view(self, request, cid): ...

  Like the admin, anyone without staff rights is sent to the admin's login (which sends a logged-in person on to
  their own start page), staff without every listed permission get 403, and only then is the method checked. The permissions stay
  readable on the view (``view.staff_permissions``): the permission walk (``tests/platform/test_staff_permissions
  .py``) finds every staff URL, reads what it declares and fails for a staff page that declares nothing.
* :func:`permission_method` is the ``has_<name>_permission`` method behind an admin action's
  ``permissions=["<name>"]`` when the action needs a permission of its own (releasing, resending …).
* :func:`grant` gives the staff groups (``mandates.roles``) their permissions from a data migration.
"""

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseNotAllowed
from django.urls import reverse


def _request(args):
    """The request among a view's arguments: first for a function, second for a method (after ``self``)."""
    for arg in args[:2]:
        if isinstance(arg, HttpRequest):
            return arg
    raise TypeError("staff_view decorates views: a request must be the first or second argument")


def staff_view(*permissions, methods=None):
    """Let only staff holding every one of ``permissions`` through (``"app_label.codename"``); ``methods``
    optionally limits the HTTP methods, checked after the permissions so that nobody learns more than a 403."""
    if not permissions or not all(isinstance(p, str) and "." in p for p in permissions):
        raise ValueError("staff_view needs at least one permission, written as 'app_label.codename'")

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            request = _request(args)
            user = request.user
            if not (user.is_active and user.is_staff):
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            if not user.has_perms(permissions):
                raise PermissionDenied
            if methods and request.method not in methods:
                return HttpResponseNotAllowed(methods)
            return view(*args, **kwargs)

        wrapper.staff_permissions = permissions
        return wrapper

    return decorate


def permission_method(permission):
    """``has_<name>_permission`` for a ``ModelAdmin`` whose action says ``permissions=["<name>"]``::

    has_release_candidate_permission = permission_method("mandates.release_candidate")
    """

    def check(self, request, obj=None):
        return request.user.has_perm(permission)

    check.permission = permission
    return check


def grant(apps, grants):
    """Give each named group (created if missing) the listed permissions (``"app_label.codename"``), for data
    migrations. Permissions of apps migrated in the same run are created first (Django would only create them
    after the last migration)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # A migration's app configs carry no models module, which create_permissions takes for "no models".
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, names in grants.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = set(names)
        found = []
        for perm in Permission.objects.select_related("content_type"):
            label = f"{perm.content_type.app_label}.{perm.codename}"
            if label in wanted:
                found.append(perm)
                wanted.discard(label)
        if wanted:
            raise LookupError(f"unknown permissions for group {name}: {sorted(wanted)}")
        group.permissions.add(*found)

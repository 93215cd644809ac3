"""Admin adjustments that concern every admin page: second factors never shown, autocomplete safe from bad ids."""

import functools

from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteMixin
from django.core.exceptions import ValidationError


class AuthenticatorAdmin(admin.ModelAdmin):
    """Second factors, listed and removable (someone lost their phone and enrols again at the next login), never
    readable: allauth's own admin shows the TOTP secret and recovery seed, which would let anyone with admin access
    pass every colleague's second factor."""

    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type",)
    search_fields = ("user__email",)
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.unregister(Authenticator)
admin.site.register(Authenticator, AuthenticatorAdmin)


def _submitted_ids_only(optgroups):
    """Django's autocomplete widget looks the submitted values up to show them again; a value that is no id of the
    model (e.g. text sent by hand instead of a choice) made that lookup raise, a server error instead of the form's
    own "select a valid choice". Values that are no id are left out of the lookup; the form still reports them."""

    @functools.wraps(optgroups)
    def wrapper(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        ids = []
        for item in value:
            try:
                target.to_python(item)
            except ValidationError:
                continue
            ids.append(item)
        return optgroups(self, name, ids, attr)

    return wrapper


AutocompleteMixin.optgroups = _submitted_ids_only(AutocompleteMixin.optgroups)

"""Admin adjustments that concern every admin page: second factors never shown, autocomplete safe from bad ids;
the audit log (searchable, never changed); and :class:`PersonAdmin`, the base of the admin of people (managers,
client contacts) with a copy of their data and their erasure on request."""

import functools

from allauth.account import admin as allauth_admin
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteMixin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import privacy
from .models import AuditEntry
from .staff import staff_view


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


class EmailAddressAdmin(allauth_admin.EmailAddressAdmin):
    """allauth's, with its bulk action behind the change permission (an action naming no permission is offered to
    anyone who may merely view the list)."""

    @admin.action(description=gettext_lazy("Ausgewählte Adressen als bestätigt markieren"), permissions=["change"])
    def make_verified(self, request, queryset):
        return super().make_verified(request, queryset)


admin.site.unregister(EmailAddress)
admin.site.register(EmailAddress, EmailAddressAdmin)


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


class StaffActorFilter(admin.SimpleListFilter):
    """Which staff member acted; clients and managers are found by the search."""

    title = gettext_lazy("Mitarbeitende")
    parameter_name = "staff"

    def lookups(self, request, model_admin):
        staff = get_user_model().objects.filter(is_staff=True).order_by("last_name", "first_name", "email")
        return [(str(user.pk), user.get_full_name() or user.email) for user in staff]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(actor_id=self.value())
        return queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log, read-only and append-only (``manatnet/models.py``): searchable by the person concerned and
    by who acted (name or e-mail), filtered by action, role, staff member and date; a person's own link
    (``?subject__id__exact=<user id>``) also finds entries of people erased since."""

    list_display = ["at", "action", "actor_display", "actor_role", "company", "subject_display", "target"]
    list_filter = ["action", "actor_role", StaffActorFilter, ("at", admin.DateFieldListFilter)]
    search_fields = [
        "subject__email",
        "subject__first_name",
        "subject__last_name",
        "actor__email",
        "actor__first_name",
        "actor__last_name",
        "company",
        "target",
    ]
    list_select_related = ["actor", "subject"]
    date_hierarchy = "at"
    fields = ["at", "action", "actor_display", "actor_role", "company", "subject_display", "target"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def lookup_allowed(self, lookup, value, request=None):
        return lookup in ("subject__id__exact", "actor__id__exact") or super().lookup_allowed(lookup, value, request)

    @staticmethod
    def _person(user, user_id):
        if user is not None:
            return f"{user.get_full_name() or user.email} (#{user_id})"
        return _("gelöschtes Konto (#%(id)s)") % {"id": user_id} if user_id else "—"

    @admin.display(description=gettext_lazy("Wer"), ordering="actor__last_name")
    def actor_display(self, obj):
        return self._person(obj.actor, obj.actor_id)

    @admin.display(description=gettext_lazy("Betroffene Person"), ordering="subject__last_name")
    def subject_display(self, obj):
        return self._person(obj.subject, obj.subject_id)


class EraseOnRequestForm(forms.Form):
    """Erasure cannot be undone: the staff member types the person's e-mail address to confirm."""

    email = forms.CharField(label=gettext_lazy("E-Mail-Adresse der Person zur Bestätigung"), max_length=254)

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_email(self):
        typed = self.cleaned_data["email"].strip()
        if typed.casefold() != self.person.email.casefold():
            raise ValidationError(_("Die E-Mail-Adresse stimmt nicht mit der dieser Person überein."))
        return typed


class PersonAdmin(admin.ModelAdmin):
    """The admin of a model whose rows are people with an account (``user``): on each person's page a copy of
    everything held about them (``manatnet.export_personal_data``) and their erasure
    (``manatnet.erase_personal_data``), both on the person's request and both in the audit log. Deleting through
    the admin is closed: erasure removes more (files, login records, the admin log's mentions)."""

    change_form_template = "admin/privacy/change_form.html"

    def erase_person(self, obj, *, by):
        privacy.person_erase(user=obj.user, by=by)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        own = [
            path("<path:object_id>/export/", self.admin_site.admin_view(self.export_view), name=f"{prefix}_export"),
            path("<path:object_id>/erase/", self.admin_site.admin_view(self.erase_view), name=f"{prefix}_erase"),
        ]
        return own + super().get_urls()

    def _person(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        return obj

    @staff_view("manatnet.export_personal_data")
    def export_view(self, request, object_id):
        obj = self._person(request, object_id)
        response = HttpResponse(privacy.export_zip(obj.user, by=request.user), content_type="application/zip")
        filename = f"manatnet-auskunft-{obj.user_id}-{timezone.localdate():%Y-%m-%d}.zip"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @staff_view("manatnet.erase_personal_data")
    def erase_view(self, request, object_id):
        obj = self._person(request, object_id)
        form = EraseOnRequestForm(request.POST or None, person=obj.user)
        if request.method == "POST" and form.is_valid():
            name = str(obj)
            self.erase_person(obj, by=request.user)
            messages.success(request, _("Alle personenbezogenen Daten von %(name)s wurden gelöscht.") % {"name": name})
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": _("Auf Antrag löschen: %(name)s") % {"name": obj},
            "form": form,
        }
        return TemplateResponse(request, "admin/privacy/erase.html", context, status=400 if form.errors else 200)

from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from manatnet import audit
from manatnet.admin import PersonAdmin

from .models import (
    Country,
    ErasedManagerRecord,
    Function,
    Industry,
    Language,
    LanguageSkill,
    ManagerProfile,
    ManagerStatusChange,
    MandateHistoryEntry,
    PrivacyConsent,
    Region,
    Skill,
    SkillGroup,
)


@admin.register(Function)
class FunctionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_de", "name_en"]
    search_fields = ["code", "name_de", "name_en"]


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_de", "name_en", "parent"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name_de", "name_en"]


@admin.register(SkillGroup)
class SkillGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name_de", "name_en"]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_de", "name_en", "group"]
    list_filter = ["group"]
    search_fields = ["slug", "name_de", "name_en"]


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["code", "name_de", "name_en"]
    search_fields = ["code", "name_de", "name_en"]


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_de", "name_en"]
    search_fields = ["code", "name_de", "name_en"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_de", "name_en", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "name_de", "name_en"]


class LanguageSkillInline(admin.TabularInline):
    model = LanguageSkill
    extra = 0
    autocomplete_fields = ["language"]


class HistoryInline(admin.StackedInline):
    model = MandateHistoryEntry
    extra = 0
    autocomplete_fields = ["industry"]


class StatusChangeInline(admin.TabularInline):
    model = ManagerStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "at", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


class AvailabilityFilter(admin.SimpleListFilter):
    title = _("Verfügbarkeit")
    parameter_name = "availability"

    def lookups(self, request, model_admin):
        return [
            ("now", _("Jetzt verfügbar")),
            ("later", _("Später verfügbar")),
            ("stale", _("Nicht bestätigt (60 Tage)")),
        ]

    def queryset(self, request, queryset):
        from django.utils import timezone

        today = timezone.localdate()
        if self.value() == "now":
            return queryset.filter(Q(available_from__isnull=True) | Q(available_from__lte=today))
        if self.value() == "later":
            return queryset.filter(available_from__gt=today)
        if self.value() == "stale":
            return queryset.stale_availability()
        return queryset


class LikelyDuplicateFilter(admin.SimpleListFilter):
    """Profiles sharing a phone number or LinkedIn URL with another profile: likely the same person twice."""

    title = _("Mögliche Dubletten")
    parameter_name = "duplicates"

    def lookups(self, request, model_admin):
        return [("yes", _("Gleiche Telefonnummer oder LinkedIn-URL"))]

    def queryset(self, request, queryset):
        if self.value() != "yes":
            return queryset
        phones = (
            ManagerProfile.objects.exclude(phone="")
            .values("phone")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .values("phone")
        )
        links = (
            ManagerProfile.objects.exclude(linkedin_url="")
            .values("linkedin_url")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .values("linkedin_url")
        )
        return queryset.filter(Q(phone__in=phones) | Q(linkedin_url__in=links))


@admin.register(ManagerProfile)
class ManagerProfileAdmin(PersonAdmin):
    """A manager's whole profile. Every time staff open it, the audit log records who saw whose profile; the CV
    link is there only for staff allowed to download CVs (``managers.view_manager_cv``)."""

    list_display = ["display_name", "email", "headline", "status", "available_from", "day_rate_target", "registered_at"]
    list_filter = ["status", AvailabilityFilter, "functions", "industries", "accepted_regions", LikelyDuplicateFilter]
    search_fields = [
        "user__first_name",
        "user__last_name",
        "user__email",
        "headline",
        "summary",
        "phone",
        "linkedin_url",
    ]
    list_select_related = ["user"]
    autocomplete_fields = ["user", "country", "home_region", "industries", "skills"]
    filter_horizontal = ["functions", "accepted_regions"]
    readonly_fields = ["public_id", "cv_link", "cv_uploaded_at", "status", "status_changed_at"]
    inlines = [LanguageSkillInline, HistoryInline, StatusChangeInline]
    date_hierarchy = "registered_at"
    fieldsets = [
        (None, {"fields": ["user", "public_id", "status", "status_changed_at", "left_reason", "registered_at"]}),
        (_("Kontakt"), {"fields": ["phone", "linkedin_url", "city", "postal_code", "country", "home_region"]}),
        (_("Profil"), {"fields": ["headline", "summary", "functions", "industries", "skills"]}),
        (
            _("Mobilität und Verfügbarkeit"),
            {
                "fields": [
                    "accepted_regions",
                    "remote_share",
                    "available_from",
                    "days_per_week",
                    "availability_confirmed_at",
                ]
            },
        ),
        (_("Tagessatz"), {"fields": ["day_rate_min", "day_rate_target"]}),
        (
            _("Lebenslauf und Einstellungen"),
            {"fields": ["cv_link", "cv_uploaded_at", "notify_matches", "email_language", "time_zone"]},
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.has_perm("managers.view_manager_cv"):
            return fieldsets
        return [
            (name, {**options, "fields": ["cv_original_name" if f == "cv_link" else f for f in options["fields"]]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        # A profile belongs to its account for good; choosing another would also need permissions on accounts.
        return [*super().get_readonly_fields(request, obj), "cv_original_name", *(["user"] if obj else [])]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            audit.record(audit.Action.PROFILE_VIEWED, actor=request.user, subject=obj.user_id, target=obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    @admin.display(description=_("E-Mail"), ordering="user__email")
    def email(self, obj):
        return obj.user.email

    @admin.display(description=_("Lebenslauf"))
    def cv_link(self, obj):
        # Served by the authorising view (staff only), never from a public media URL.
        if not obj.cv_file:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("manager_cv_staff", args=[obj.public_id]), obj.cv_original_name
        )


@admin.register(ErasedManagerRecord)
class ErasedManagerRecordAdmin(admin.ModelAdmin):
    """Read-only: anonymous rows kept for time-to-mandate statistics after an account was erased."""

    list_display = ["registered_at", "first_placed_at", "ended_at"]
    date_hierarchy = "ended_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PrivacyConsent)
class PrivacyConsentAdmin(admin.ModelAdmin):
    list_display = ["user", "version", "given_at"]
    list_filter = ["version"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "version", "given_at"]

    def has_add_permission(self, request):
        return False  # consent is given by the person at sign-up, never recorded for them by staff

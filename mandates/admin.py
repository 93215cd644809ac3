from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    Candidacy,
    ClientCompany,
    ClientContact,
    Mandate,
    MandateLanguage,
    MandateStatusChange,
    Placement,
    StageChange,
)


class ContactInline(admin.TabularInline):
    model = ClientContact
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(ClientCompany)
class ClientCompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "industry", "created_at"]
    list_filter = [("industry", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "city"]
    autocomplete_fields = ["industry"]
    inlines = [ContactInline]


@admin.register(ClientContact)
class ClientContactAdmin(admin.ModelAdmin):
    list_display = ["__str__", "company", "position", "email_language"]
    list_filter = ["company"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "company__name"]
    list_select_related = ["user", "company"]
    autocomplete_fields = ["user", "company"]


class MandateLanguageInline(admin.TabularInline):
    model = MandateLanguage
    extra = 1
    autocomplete_fields = ["language"]


class MandateStatusChangeInline(admin.TabularInline):
    model = MandateStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "at", "by"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Mandate)
class MandateAdmin(admin.ModelAdmin):
    list_display = ["title", "company", "function", "status", "start_date", "budget_day_rate", "owner", "opened_at"]
    list_filter = ["status", "function", ("owner", admin.RelatedOnlyFieldListFilter), "region"]
    search_fields = ["title", "brief", "public_summary", "company__name"]
    list_select_related = ["company", "function", "owner"]
    autocomplete_fields = ["company", "contacts", "industries", "required_skills", "nice_skills"]
    readonly_fields = ["status", "created_at", "opened_at", "closed_at"]
    date_hierarchy = "created_at"
    inlines = [MandateLanguageInline, MandateStatusChangeInline]
    fieldsets = [
        (None, {"fields": ["company", "contacts", "owner", "title", "status", "created_at", "opened_at", "closed_at"]}),
        (_("Briefing"), {"fields": ["brief", "public_summary"]}),
        (_("Anforderungen"), {"fields": ["function", "industries", "required_skills", "nice_skills"]}),
        (
            _("Ort und Rahmen"),
            {
                "fields": [
                    "location_city",
                    "region",
                    "remote_share",
                    "start_date",
                    "start_flex_days",
                    "duration_months",
                    "days_per_week",
                ]
            },
        ),
        (_("Budget"), {"fields": ["budget_day_rate", "budget_tolerance_pct"]}),
        (_("Harte Filter"), {"fields": ["require_availability", "require_languages", "require_region"]}),
        (
            _("Gewichtung"),
            {
                "fields": [
                    "weight_skills",
                    "weight_function",
                    "weight_industry",
                    "weight_languages",
                    "weight_region",
                    "weight_availability",
                    "weight_rate",
                ],
                "classes": ["collapse"],
            },
        ),
    ]


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_stage", "to_stage", "at", "by", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Candidacy)
class CandidacyAdmin(admin.ModelAdmin):
    list_display = ["manager", "mandate", "stage", "score", "manager_response", "client_wants_meeting", "updated_at"]
    list_filter = ["stage", "manager_response"]
    search_fields = ["manager__user__email", "manager__user__last_name", "mandate__title"]
    list_select_related = ["manager__user", "mandate"]
    autocomplete_fields = ["manager", "mandate"]
    readonly_fields = [
        "stage",
        "score",
        "manager_response",
        "manager_response_reason",
        "responded_at",
        "client_wants_meeting",
        "client_feedback",
        "client_feedback_at",
    ]
    inlines = [StageChangeInline]


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ["manager", "mandate", "placed_at", "starts_on", "ends_on", "day_rate"]
    search_fields = ["manager__user__email", "manager__user__last_name", "mandate__title"]
    list_select_related = ["manager__user", "mandate"]
    date_hierarchy = "placed_at"
    readonly_fields = ["mandate", "manager", "placed_at"]

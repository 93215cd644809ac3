"""Staff work on mandates in the admin: the structured brief, opening, ranking, pool search, shortlist, placement.

The extra pages are plain views wrapped in ``admin.site.admin_view`` (staff login, CSRF, never cached), each
declaring the permissions it needs with ``manatnet.staff.staff_view``; every change is a POST that calls one
function of ``mandates.services``.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from managers.models import ManagerProfile
from manatnet.admin import PersonAdmin
from manatnet.staff import permission_method, staff_view

from . import services
from .forms import (
    ClientViewForm,
    ConsentRequestForm,
    MandateAdminForm,
    PlacementForm,
    PoolSearchForm,
    StageMoveForm,
)
from .matching import DEFAULT_WEIGHTS
from .models import (
    AnalyticsSnapshot,
    Candidacy,
    CandidateIndex,
    ClientCompany,
    ClientContact,
    ConsentRequest,
    IndexChange,
    Mandate,
    MandateLanguage,
    MandateStatusChange,
    Placement,
    PresentationConsent,
    StageChange,
)
from .presenters import explanation

RANKING_PAGE = 20
RANKING_MAX = 200
POOL_PAGE = 50


class ContactInline(admin.TabularInline):
    model = ClientContact
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(ClientCompany)
class ClientCompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "industry", "margin_pct", "created_at"]
    list_filter = [("industry", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "city"]
    autocomplete_fields = ["industry"]
    inlines = [ContactInline]


@admin.register(ClientContact)
class ClientContactAdmin(PersonAdmin):
    list_display = ["__str__", "company", "position", "email_language"]
    list_filter = ["company"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "company__name"]
    list_select_related = ["user", "company"]
    autocomplete_fields = ["user", "company"]

    def get_readonly_fields(self, request, obj=None):
        # A contact belongs to its account for good (choosing one needs permissions on accounts: Administration).
        return [*super().get_readonly_fields(request, obj), *(["user"] if obj else [])]


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


class CandidacyAnswersInline(admin.TabularInline):
    """The candidates with the managers' and the client's answers, read-only: changes happen on the shortlist page."""

    model = Candidacy
    extra = 0
    can_delete = False
    verbose_name_plural = gettext_lazy("Kandidaten und Antworten")
    fields = [
        "manager",
        "stage",
        "score_display",
        "consent_at",
        "presented_at",
        "released_at",
        "manager_response",
        "manager_response_reason",
        "responded_at",
        "client_wants_meeting",
        "client_feedback",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("manager__user")

    @admin.display(description=gettext_lazy("Score"))
    def score_display(self, obj):
        return obj.score_percent


@admin.register(Mandate)
class MandateAdmin(admin.ModelAdmin):
    form = MandateAdminForm
    list_display = ["title", "company", "function", "status", "start_date", "budget_day_rate", "owner", "opened_at"]
    list_filter = ["status", "function", ("owner", admin.RelatedOnlyFieldListFilter), "region"]
    search_fields = ["title", "public_title", "brief", "public_summary", "company__name"]
    list_select_related = ["company", "function", "owner"]
    # Contacts are a plain list limited to the client's own contacts (MandateAdminForm); an autocomplete would
    # offer every company's.
    autocomplete_fields = ["company", "industries", "required_skills", "nice_skills"]
    readonly_fields = ["status", "created_at", "opened_at", "closed_at", "shortlist_sent_at"]
    date_hierarchy = "created_at"
    inlines = [MandateLanguageInline, CandidacyAnswersInline, MandateStatusChangeInline]
    actions = ["open_mandates", "close_as_lost", "close_as_cancelled"]
    change_form_template = "admin/mandates/mandate/change_form.html"
    change_list_template = "admin/mandates/mandate/change_list.html"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "company",
                    "contacts",
                    "owner",
                    "title",
                    "status",
                    "created_at",
                    "opened_at",
                    "closed_at",
                    "shortlist_sent_at",
                ]
            },
        ),
        (gettext_lazy("Briefing"), {"fields": ["brief", "public_title", "public_summary"]}),
        (gettext_lazy("Anforderungen"), {"fields": ["function", "industries", "required_skills", "nice_skills"]}),
        (
            gettext_lazy("Ort und Rahmen"),
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
        (gettext_lazy("Budget und Preis"), {"fields": ["budget_day_rate", "budget_tolerance_pct", "margin_pct"]}),
        (gettext_lazy("Harte Filter"), {"fields": ["require_availability", "require_languages", "require_region"]}),
        (
            gettext_lazy("Gewichtung"),
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

    def save_model(self, request, obj, form, change):
        if not change and obj.owner_id is None:
            # Whoever types the mandate in owns it until someone reassigns it: answers and feedback reach them.
            obj.owner = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=gettext_lazy("Mandat eröffnen"), permissions=["change"])
    def open_mandates(self, request, queryset):
        opened = 0
        for mandate in queryset.filter(status=Mandate.Status.DRAFT):
            services.mandate_open(mandate=mandate, by=request.user)
            opened += 1
        skipped = queryset.count() - opened
        if opened:
            self.message_user(request, _("%(count)d Mandat(e) eröffnet.") % {"count": opened}, messages.SUCCESS)
        if skipped:
            self.message_user(
                request, _("%(count)d Mandat(e) waren keine Entwürfe und blieben unverändert.") % {"count": skipped}
            )

    def _close(self, request, queryset, status):
        closed = 0
        for mandate in queryset.filter(status__in=Mandate.OPEN_STATUSES):
            services.mandate_set_status(mandate=mandate, status=status, by=request.user)
            closed += 1
        self.message_user(
            request,
            _("%(count)d offene(s) Mandat(e) geschlossen; Kandidaten im Rennen wurden mit Begründung zurückgezogen.")
            % {"count": closed},
            messages.SUCCESS if closed else messages.WARNING,
        )

    @admin.action(description=gettext_lazy("Als verloren schließen"), permissions=["change"])
    def close_as_lost(self, request, queryset):
        self._close(request, queryset, Mandate.Status.LOST)

    @admin.action(description=gettext_lazy("Als abgesagt schließen"), permissions=["change"])
    def close_as_cancelled(self, request, queryset):
        self._close(request, queryset, Mandate.Status.CANCELLED)

    # --- Extra pages --------------------------------------------------------------------------------------------
    # Each declares the permissions it needs (manatnet.staff.staff_view); the permission walk finds them all.

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(view)

        candidacy_actions = [
            ("up", self.candidacy_up_view),
            ("down", self.candidacy_down_view),
            ("move", self.candidacy_move_view),
            ("client", self.candidacy_client_view),
            ("consent", self.candidacy_consent_view),
            ("place", self.candidacy_place_view),
            ("release", self.candidacy_release_view),
        ]
        custom = [
            path("pool/", wrap(self.pool_view), name="mandates_mandate_pool"),
            path("<int:pk>/open/", wrap(self.open_view), name="mandates_mandate_open"),
            path("<int:pk>/ranking/", wrap(self.ranking_view), name="mandates_mandate_ranking"),
            path("<int:pk>/candidates/add/", wrap(self.add_candidate_view), name="mandates_mandate_add_candidate"),
            path("<int:pk>/shortlist/", wrap(self.shortlist_view), name="mandates_mandate_shortlist"),
            path("<int:pk>/shortlist/send/", wrap(self.send_view), name="mandates_mandate_send"),
            *[
                path(f"candidacy/<int:cid>/{action}/", wrap(view), name=f"mandates_candidacy_{action}")
                for action, view in candidacy_actions
            ],
        ]
        return custom + super().get_urls()

    @staticmethod
    def _mandate(pk):
        return get_object_or_404(Mandate.objects.select_related("company", "function", "region"), pk=pk)

    def _context(self, request, mandate, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": mandate,
            "mandate": mandate,
            "title": title,
            "has_view_permission": True,
            **extra,
        }

    @staticmethod
    def _back(request, fallback):
        target = request.POST.get("next") or request.GET.get("next")
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return HttpResponseRedirect(target)
        return HttpResponseRedirect(fallback)

    @staticmethod
    def _error(request, exc):
        messages.error(request, " ".join(exc.messages))

    @staff_view("mandates.change_mandate", methods=["POST"])
    def open_view(self, request, pk):
        mandate = self._mandate(pk)
        try:
            services.mandate_open(mandate=mandate, by=request.user)
        except ValidationError as exc:
            self._error(request, exc)
        else:
            messages.success(request, _("Mandat eröffnet. Das Ranking ist bereit."))
        return redirect("admin:mandates_mandate_ranking", pk)

    @staff_view("mandates.view_mandate", "managers.view_managerprofile")
    def ranking_view(self, request, pk):
        from .matching.ranking import rank

        mandate = self._mandate(pk)
        try:
            limit = max(1, min(RANKING_MAX, int(request.GET.get("limit", RANKING_PAGE))))
        except ValueError:
            limit = RANKING_PAGE
        ranked = rank(mandate, limit=limit, shown_to=request.user)
        on_list = {c.manager_id: c for c in Candidacy.objects.filter(mandate=mandate)}
        rows = [
            {"position": i, "profile": profile, "score": explanation(match), "candidacy": on_list.get(profile.pk)}
            for i, (profile, match) in enumerate(ranked, start=1)
        ]
        context = self._context(
            request,
            mandate,
            _("Ranking: %(title)s") % {"title": mandate.title},
            rows=rows,
            limit=limit,
            more=limit + RANKING_PAGE if len(ranked) == limit and limit < RANKING_MAX else None,
            weights=self._weight_rows(mandate),
            on_list_count=len(on_list),
        )
        return TemplateResponse(request, "admin/mandates/mandate/ranking.html", context)

    @staticmethod
    def _weight_rows(mandate):
        weights = mandate.weights()
        return [(WEIGHT_LABELS[key], weights[key], DEFAULT_WEIGHTS[key]) for key in DEFAULT_WEIGHTS]

    @staff_view("mandates.add_candidacy", methods=["POST"])
    def add_candidate_view(self, request, pk):
        mandate = self._mandate(pk)
        from .matching.ranking import shown_score

        profile = get_object_or_404(ManagerProfile.objects.select_related("user"), pk=request.POST.get("manager"))
        # The score the staff member's ranking showed is the one kept; computed afresh only for a pool search hit.
        shown = shown_score(request.user, mandate, profile.pk)
        try:
            candidacy = services.candidacy_add(mandate=mandate, manager=profile, by=request.user, score=shown)
        except ValidationError as exc:
            self._error(request, exc)
        else:
            messages.success(
                request,
                _("%(name)s steht auf der Liste (Platz %(pos)d).")
                % {
                    "name": profile.display_name,
                    "pos": candidacy.position + 1,
                },
            )
        return self._back(request, reverse("admin:mandates_mandate_shortlist", args=[pk]))

    def _row_forms(self, mandate, candidacy, bound):
        prefix = candidacy.pk
        forms = {
            "move": StageMoveForm(initial={"from_stage": candidacy.stage}, prefix=f"m{prefix}"),
            "client": ClientViewForm(
                initial={
                    "note_for_client": candidacy.note_for_client,
                    "client_price": candidacy.client_price,
                    "show_score_to_client": candidacy.show_score_to_client,
                },
                prefix=f"k{prefix}",
            ),
            "consent": ConsentRequestForm(prefix=f"r{prefix}"),
            "place": PlacementForm(
                initial={
                    "starts_on": mandate.start_date,
                    "manager_day_rate": candidacy.manager_rate,
                    "client_day_rate": candidacy.client_price,
                },
                prefix=f"p{prefix}",
            ),
        }
        if bound and bound[0] == candidacy.pk:
            forms[bound[1]] = bound[2]
        forms["move"].fields["to_stage"].choices = [
            (stage.value, stage.label) for stage in services.allowed_stages(candidacy.stage)
        ]
        return forms

    @staff_view("mandates.view_mandate", "mandates.view_candidacy")
    def shortlist_view(self, request, pk):
        return self._shortlist(request, pk)

    def _shortlist(self, request, pk, bound=None, status=200):
        mandate = self._mandate(pk)
        candidacies = list(
            mandate.candidacies.select_related("manager__user", "released_by").prefetch_related(
                Prefetch("stage_changes", queryset=StageChange.objects.select_related("by")),
                Prefetch("consents", queryset=PresentationConsent.objects.filter(withdrawn_at__isnull=True)),
                Prefetch("consent_requests", queryset=ConsentRequest.objects.filter(closed_at__isnull=True)),
            )
        )
        rows = []
        for candidacy in candidacies:
            candidacy.mandate = mandate
            rows.append(
                {
                    "candidacy": candidacy,
                    "forms": self._row_forms(mandate, candidacy, bound),
                    "consent": next(iter(candidacy.consents.all()), None),
                    "open_request": next(iter(candidacy.consent_requests.all()), None),
                    "placeable": mandate.is_open and candidacy.stage in services.PLACEABLE,
                    "releasable": candidacy.is_shown_to_client and candidacy.released_at is None,
                }
            )
        counts = {stage: 0 for stage in Candidacy.Stage}
        for candidacy in candidacies:
            counts[candidacy.stage] += 1
        context = self._context(
            request,
            mandate,
            _("Shortlist: %(title)s") % {"title": mandate.title},
            rows=rows,
            shortlisted=counts[Candidacy.Stage.SHORTLISTED],
            weights=self._weight_rows(mandate),
        )
        return TemplateResponse(request, "admin/mandates/mandate/shortlist.html", context, status=status)

    @staff_view("mandates.send_shortlist", methods=["POST"])
    def send_view(self, request, pk):
        mandate = self._mandate(pk)
        try:
            sent = services.shortlist_send(mandate=mandate, by=request.user)
        except ValidationError as exc:
            self._error(request, exc)
        else:
            messages.success(
                request, _("Shortlist mit %(count)d Kandidat(en) an den Kunden gesendet.") % {"count": len(sent)}
            )
        return redirect("admin:mandates_mandate_shortlist", pk)

    @staticmethod
    def _candidacy(cid):
        candidacy = get_object_or_404(Candidacy.objects.select_related("mandate", "manager__user"), pk=cid)
        return candidacy, reverse("admin:mandates_mandate_shortlist", args=[candidacy.mandate_id]) + f"#candidacy-{cid}"

    @staff_view("mandates.change_candidacy", methods=["POST"])
    def candidacy_up_view(self, request, cid):
        candidacy, done = self._candidacy(cid)
        services.candidacy_move_by(candidacy=candidacy, delta=-1)
        return HttpResponseRedirect(done)

    @staff_view("mandates.change_candidacy", methods=["POST"])
    def candidacy_down_view(self, request, cid):
        candidacy, done = self._candidacy(cid)
        services.candidacy_move_by(candidacy=candidacy, delta=1)
        return HttpResponseRedirect(done)

    @staff_view("mandates.release_candidate", methods=["POST"])
    def candidacy_release_view(self, request, cid):
        candidacy, done = self._candidacy(cid)
        try:
            services.candidacy_release(candidacy=candidacy, by=request.user)
        except ValidationError as exc:
            self._error(request, exc)
        else:
            messages.success(request, _("Identität von %(name)s für den Kunden freigegeben.") % self._name(candidacy))
        return HttpResponseRedirect(done)

    @staff_view("mandates.change_candidacy", methods=["POST"])
    def candidacy_move_view(self, request, cid):
        return self._candidacy_form(request, cid, StageMoveForm, f"m{cid}", "move", self._move)

    @staff_view("mandates.change_candidacy", methods=["POST"])
    def candidacy_client_view(self, request, cid):
        return self._candidacy_form(request, cid, ClientViewForm, f"k{cid}", "client", self._client_view)

    @staff_view("mandates.send_consent_request", methods=["POST"])
    def candidacy_consent_view(self, request, cid):
        return self._candidacy_form(request, cid, ConsentRequestForm, f"r{cid}", "consent", self._request_consent)

    @staff_view("mandates.record_placement", methods=["POST"])
    def candidacy_place_view(self, request, cid):
        return self._candidacy_form(request, cid, PlacementForm, f"p{cid}", "place", self._place)

    def _candidacy_form(self, request, cid, form_class, prefix, name, handler):
        """Parse one of a shortlist row's forms and call its service; on a problem, show the shortlist again with
        the staff member's input and the error next to it instead of losing what they typed."""
        candidacy, done = self._candidacy(cid)
        form = form_class(request.POST, prefix=prefix)
        if form.is_valid():
            try:
                message = handler(request, candidacy, form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, message)
                return HttpResponseRedirect(done)
        messages.error(request, _("Die Änderung wurde nicht gespeichert, siehe unten."))
        return self._shortlist(request, candidacy.mandate_id, bound=(cid, name, form), status=400)

    @staticmethod
    def _name(candidacy):
        return {"name": candidacy.manager.display_name}

    def _move(self, request, candidacy, data):
        moved = services.candidacy_move(
            candidacy=candidacy,
            to_stage=data["to_stage"],
            by=request.user,
            reason=data["reason"],
            from_stage=data["from_stage"],
            manager_reason=data["manager_reason"],
            manager_reason_text=data["manager_reason_text"],
        )
        return _("%(name)s: jetzt „%(stage)s“.") % {**self._name(candidacy), "stage": moved.get_stage_display()}

    @staticmethod
    def _client_view(request, candidacy, data):
        services.candidacy_update_for_client(candidacy=candidacy, **data)
        return _("Angaben für den Kunden gespeichert.")

    def _request_consent(self, request, candidacy, data):
        services.consent_request_send(candidacy=candidacy, by=request.user, reveal_client=data["reveal_client"])
        return _("Zustimmungsanfrage an %(name)s gesendet.") % self._name(candidacy)

    def _place(self, request, candidacy, data):
        services.placement_record(candidacy=candidacy, by=request.user, **data)
        return _("Platzierung von %(name)s erfasst; das Mandat ist gewonnen.") % self._name(candidacy)

    @staff_view("mandates.view_mandate", "managers.view_managerprofile")
    def pool_view(self, request):
        from .matching.pool import pool_search

        form = PoolSearchForm(request.GET or None)
        results, total, mandate, on_list = [], None, None, set()
        if form.is_valid():
            mandate = form.cleaned_data["mandate"]
            found = pool_search(**form.search_kwargs())
            total = found.count()
            results = list(found.select_related("user").annotate(placements_count=Count("placements"))[:POOL_PAGE])
            if mandate:
                on_list = set(
                    Candidacy.objects.filter(mandate=mandate, manager__in=[p.pk for p in results]).values_list(
                        "manager_id", flat=True
                    )
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Pool durchsuchen"),
            "form": form,
            "results": results,
            "total": total,
            "page_size": POOL_PAGE,
            "mandate": mandate,
            "on_list": on_list,
        }
        return TemplateResponse(request, "admin/mandates/mandate/pool.html", context)


WEIGHT_LABELS = {
    "skills": gettext_lazy("Kompetenzen"),
    "function": gettext_lazy("Funktion"),
    "industry": gettext_lazy("Branche"),
    "languages": gettext_lazy("Sprachen"),
    "region": gettext_lazy("Region/Mobilität"),
    "availability": gettext_lazy("Verfügbarkeit"),
    "rate": gettext_lazy("Tagessatz"),
}


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_stage", "to_stage", "at", "by", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


class PresentationConsentInline(admin.TabularInline):
    model = PresentationConsent
    extra = 0
    can_delete = False
    fields = ["given_at", "source", "client_name", "wording_version", "withdrawn_at", "request"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ConsentRequestInline(admin.TabularInline):
    model = ConsentRequest
    extra = 0
    can_delete = False
    fields = ["sent_at", "sent_by", "reveal_client", "expires_at", "closed_at", "outcome", "channel"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Candidacy)
class CandidacyAdmin(admin.ModelAdmin):
    """Candidacies one by one. Stage, consent, presentation and release are read-only here: they change only
    through the shortlist page and the actions, which call the services that enforce consent."""

    list_display = [
        "manager",
        "mandate",
        "stage",
        "score_display",
        "consent_at",
        "presented_at",
        "released_at",
        "manager_response",
        "client_wants_meeting",
        "updated_at",
    ]
    list_filter = ["stage", "manager_response"]
    search_fields = ["manager__user__email", "manager__user__last_name", "mandate__title"]
    list_select_related = ["manager__user", "mandate"]
    autocomplete_fields = ["manager", "mandate"]
    fields = [
        "mandate",
        "manager",
        "stage",
        "position",
        "score_display",
        "manager_rate_display",
        "client_price",
        "margin_display",
        "note_for_client",
        "show_score_to_client",
        "consent_at",
        "presented_at",
        "client_number",
        "released_at",
        "released_by",
        "released_cv_name",
        "client_revealed_at",
        "manager_response",
        "manager_response_reason",
        "responded_at",
        "client_wants_meeting",
        "client_feedback",
        "client_feedback_at",
        "manager_reason",
        "manager_reason_text",
    ]
    readonly_fields = [
        "stage",
        "score_display",
        "manager_rate_display",
        "margin_display",
        "consent_at",
        "presented_at",
        "client_number",
        "released_at",
        "released_by",
        "released_cv_name",
        "client_revealed_at",
        "manager_response",
        "manager_response_reason",
        "responded_at",
        "client_wants_meeting",
        "client_feedback",
        "client_feedback_at",
        "manager_reason",
        "manager_reason_text",
    ]
    inlines = [PresentationConsentInline, ConsentRequestInline, StageChangeInline]
    actions = ["request_consent", "release_identity"]

    def get_readonly_fields(self, request, obj=None):
        # Who is considered for which mandate is fixed once the candidacy exists; a new pairing is a new candidacy.
        return [*self.readonly_fields, "mandate", "manager"] if obj else self.readonly_fields

    def has_add_permission(self, request):
        # Candidates join a mandate from its ranking or the pool search, where the score snapshot and the stage
        # log are written; a bare add form would skip both.
        return False

    @admin.display(description=gettext_lazy("Score"), ordering="score")
    def score_display(self, obj):
        return obj.score_percent

    @admin.display(description=gettext_lazy("Tagessatz des Managers (EUR)"))
    def manager_rate_display(self, obj):
        return obj.manager_rate

    @admin.display(description=gettext_lazy("Marge (%)"))
    def margin_display(self, obj):
        return obj.margin_pct

    def _each(self, request, queryset, service, done):
        ok, failed = 0, []
        for candidacy in queryset.select_related("manager__user"):
            try:
                service(candidacy=candidacy, by=request.user)
            except ValidationError as exc:
                failed.append(f"{candidacy.manager.display_name}: {' '.join(exc.messages)}")
            else:
                ok += 1
        if ok:
            self.message_user(request, done % {"count": ok}, messages.SUCCESS)
        for problem in failed:
            self.message_user(request, problem, messages.ERROR)

    has_send_consent_request_permission = permission_method("mandates.send_consent_request")
    has_release_candidate_permission = permission_method("mandates.release_candidate")

    @admin.action(
        description=gettext_lazy("Zustimmung zur Vorstellung anfragen (ohne Kundennamen)"),
        permissions=["send_consent_request"],
    )
    def request_consent(self, request, queryset):
        self._each(request, queryset, services.consent_request_send, _("%(count)d Anfrage(n) gesendet."))

    @admin.action(description=gettext_lazy("Identität für den Kunden freigeben"), permissions=["release_candidate"])
    def release_identity(self, request, queryset):
        self._each(request, queryset, services.candidacy_release, _("%(count)d Kandidat(en) freigegeben."))


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ["manager", "mandate", "placed_at", "starts_on", "ends_on", "manager_day_rate", "client_day_rate"]
    search_fields = ["manager__user__email", "manager__user__last_name", "mandate__title"]
    list_select_related = ["manager__user", "mandate"]
    date_hierarchy = "placed_at"
    readonly_fields = ["mandate", "manager", "placed_at"]

    def has_add_permission(self, request):
        # A placement is recorded on the shortlist (``placement_record``: stage, mandate won, rates checked).
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that are proof of something: staff look, nobody edits or deletes them by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PresentationConsent)
class PresentationConsentAdmin(ReadOnlyAdmin):
    list_display = ["candidacy", "given_at", "source", "client_name", "wording_version", "withdrawn_at"]
    list_filter = ["source", "wording_version"]
    search_fields = [
        "candidacy__manager__user__email",
        "candidacy__manager__user__last_name",
        "candidacy__mandate__title",
    ]
    list_select_related = ["candidacy__manager__user", "candidacy__mandate"]
    date_hierarchy = "given_at"


@admin.register(ConsentRequest)
class ConsentRequestAdmin(ReadOnlyAdmin):
    list_display = ["candidacy", "sent_at", "sent_by", "reveal_client", "expires_at", "closed_at", "outcome", "channel"]
    list_filter = ["outcome", "channel", "reveal_client"]
    search_fields = [
        "candidacy__manager__user__email",
        "candidacy__manager__user__last_name",
        "candidacy__mandate__title",
    ]
    list_select_related = ["candidacy__manager__user", "candidacy__mandate", "sent_by"]
    date_hierarchy = "sent_at"


@admin.register(CandidateIndex)
class CandidateIndexAdmin(admin.ModelAdmin):
    """Derived data, rebuilt by ``mandates/matching/index.py`` (``manage.py reindex_candidates``): visible for
    diagnosis ("why is this manager not ranked?"), never edited by hand."""

    list_display = ["profile", "active", "stale", "available_from", "day_rate_target", "indexed_at"]
    list_filter = ["active", "stale"]
    search_fields = ["profile__user__email", "profile__user__last_name"]
    list_select_related = ["profile__user"]
    fields = [
        "profile",
        "active",
        "stale",
        "available_from",
        "days_per_week",
        "remote_share",
        "day_rate_min",
        "day_rate_target",
        "tags",
        "indexed_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IndexChange)
class IndexChangeAdmin(admin.ModelAdmin):
    """The change log of what matching reads, written by database triggers (``mandates/matching/changes.py``):
    visible for diagnosis ("did this edit reach the rankings?"), never edited; pruned after a day."""

    list_display = ["id", "kind", "object_id", "txid", "at"]
    list_filter = ["kind"]
    fields = ["kind", "object_id", "txid", "at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AnalyticsSnapshot)
class AnalyticsSnapshotAdmin(admin.ModelAdmin):
    """The daily provider-wide figures behind the trend on the analytics page: written by the nightly task from
    the facts of that day, never edited (a stored day is never rewritten)."""

    list_display = ["day", "computed_at"]
    date_hierarchy = "day"
    fields = ["day", "computed_at", "figures"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

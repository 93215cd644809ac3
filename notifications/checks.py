"""Start-up check: every declared notification kind can be rendered, in every language the platform speaks.

Without it a kind with a typo in a template name, or a template missing for one language, is found only when the
first such mail is due, in a worker, as a failed row.
"""

from django.conf import settings
from django.core.checks import Error, register
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import select_template
from django.utils import translation

from . import kinds
from .recipients import known_preferences


def _template_errors(kind):
    for language, _name in settings.LANGUAGES:
        for part, extension in kinds.TEMPLATE_PARTS:
            names = kind.template_names(part, extension, language)
            try:
                with translation.override(language):
                    select_template(names)
            except TemplateDoesNotExist:
                yield Error(
                    f"Notification kind {kind.name!r} has no {part} template ({extension}) for language {language!r}.",
                    hint=f"Create one of: {', '.join(names)}.",
                    obj=kind.name,
                    id="notifications.E002",
                )
            except TemplateSyntaxError as exc:
                yield Error(
                    f"Notification kind {kind.name!r}: the {part} template ({extension}) does not compile: {exc}",
                    obj=kind.name,
                    id="notifications.E003",
                )


def _declaration_errors(kind):
    if not callable(kind.builder):
        yield Error(
            f"Notification kind {kind.name!r} has no context builder.",
            hint="Declare it with @notification_kind on the function that builds its context.",
            obj=kind.name,
            id="notifications.E001",
        )
    if kind.digest_of is not None and kind.digest_of not in {k.name for k in kinds.all_kinds()}:
        yield Error(
            f"Notification kind {kind.name!r} is a digest of {kind.digest_of!r}, which is not declared.",
            obj=kind.name,
            id="notifications.E004",
        )
    if kind.opt_out is not None and kind.opt_out not in known_preferences():
        yield Error(
            f"Notification kind {kind.name!r} can be stopped by the preference {kind.opt_out!r}, "
            "but no recipient source offers it.",
            hint="Name it in the preferences of the @recipient_source of the app whose people receive this kind.",
            obj=kind.name,
            id="notifications.E005",
        )


@register()
def notification_kinds(app_configs, **kwargs):
    errors = []
    for kind in kinds.all_kinds():
        errors.extend(_declaration_errors(kind))
        errors.extend(_template_errors(kind))
    return errors

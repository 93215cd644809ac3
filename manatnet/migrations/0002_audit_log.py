"""The audit log, append-only.

On PostgreSQL a trigger refuses every UPDATE and every DELETE of an audit entry, unless the transaction set
``manatnet.audit_purge`` to ``on`` (``manatnet.audit.purge_before``, the retention job's path). SQLite, the
embedded development database, has no such trigger; the admin offers no change or delete on either.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

APPEND_ONLY = """
CREATE FUNCTION manatnet_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('manatnet.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Old entries are deleted by the retention job only (manatnet.audit.purge_before).';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER manatnet_auditentry_append_only
    BEFORE UPDATE OR DELETE ON manatnet_auditentry
    FOR EACH ROW EXECUTE FUNCTION manatnet_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS manatnet_auditentry_append_only ON manatnet_auditentry;
DROP FUNCTION IF EXISTS manatnet_audit_append_only();
"""


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY, params=None)


def drop_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('manatnet', '0001_cache_table'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='Zeitpunkt')),
                ('action', models.CharField(choices=[('profile_viewed', 'Profil angesehen'), ('cv_downloaded', 'Lebenslauf heruntergeladen'), ('card_viewed', 'Freigegebenes Profil angesehen'), ('released', 'Identität für einen Kunden freigegeben'), ('consent_given', 'Zustimmung zur Vorstellung erteilt'), ('consent_refused', 'Vorstellung abgelehnt'), ('consent_withdrawn', 'Zustimmung zur Vorstellung widerrufen'), ('exported', 'Datenauskunft erstellt'), ('erased', 'Personenbezogene Daten gelöscht')], max_length=20, verbose_name='Vorgang')),
                ('actor_role', models.CharField(choices=[('staff', 'Mitarbeitende'), ('client', 'Kunde'), ('self', 'Die Person selbst'), ('system', 'Automatisch')], max_length=8, verbose_name='Rolle')),
                ('company', models.CharField(blank=True, max_length=160, verbose_name='Kunde')),
                ('target', models.CharField(blank=True, max_length=80, verbose_name='Objekt')),
                ('actor', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='Wer')),
                ('subject', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='Betroffene Person')),
            ],
            options={
                'verbose_name': 'Audit-Eintrag',
                'verbose_name_plural': 'Audit-Log',
                'ordering': ['-at', '-id'],
                'permissions': [('export_personal_data', 'Datenauskunft auf Antrag erstellen'), ('erase_personal_data', 'Personenbezogene Daten auf Antrag löschen')],
            },
        ),
        migrations.RunPython(append_only, drop_append_only),
    ]

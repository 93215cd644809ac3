"""A mandate's contacts are contacts of its client company, held by the database on PostgreSQL.

Django cannot declare a constraint across tables, so three constraint triggers share one check: adding a contact
to a mandate (checked at once), and changing the company of a mandate or of a contact (checked at commit, so the
admin can change a mandate's company and its contacts in one save). A violation raises SQLSTATE 23514
(check_violation), which Django reports as an IntegrityError. SQLite keeps the rule in code
(``Mandate.check_contacts``, the admin form and the guard in ``mandates.receivers``).

Contacts of another company already on a mandate are removed first: the shortlist mail went to them.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION mandates_contacts_of_own_company() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1
        FROM mandates_mandate_contacts link
        JOIN mandates_mandate mandate ON mandate.id = link.mandate_id
        JOIN mandates_clientcontact contact ON contact.id = link.clientcontact_id
        WHERE mandate.company_id <> contact.company_id
          AND CASE TG_TABLE_NAME
                  WHEN 'mandates_mandate_contacts' THEN link.id = NEW.id
                  WHEN 'mandates_mandate' THEN link.mandate_id = NEW.id
                  ELSE link.clientcontact_id = NEW.id
              END
    ) THEN
        RAISE EXCEPTION 'A mandate''s contacts must be contacts of its client company (%% %%)', TG_TABLE_NAME, NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

TRIGGERS = {
    "mandates_contacts_link_company": (
        "AFTER INSERT OR UPDATE ON mandates_mandate_contacts DEFERRABLE INITIALLY IMMEDIATE"
    ),
    "mandates_contacts_mandate_company": (
        "AFTER UPDATE OF company_id ON mandates_mandate DEFERRABLE INITIALLY DEFERRED"
    ),
    "mandates_contacts_contact_company": (
        "AFTER UPDATE OF company_id ON mandates_clientcontact DEFERRABLE INITIALLY DEFERRED"
    ),
}


def remove_foreign_contacts(apps, schema_editor):
    Link = apps.get_model("mandates", "Mandate").contacts.through
    for link in Link.objects.select_related("mandate", "clientcontact"):
        if link.mandate.company_id != link.clientcontact.company_id:
            link.delete()


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for name, when in TRIGGERS.items():
        schema_editor.execute(
            f"CREATE CONSTRAINT TRIGGER {name} {when} FOR EACH ROW EXECUTE FUNCTION mandates_contacts_of_own_company()"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, when in TRIGGERS.items():
        table = when.split(" ON ")[1].split()[0]
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS mandates_contacts_of_own_company()")


class Migration(migrations.Migration):
    dependencies = [("mandates", "0008_candidacy_consent_constraints")]

    operations = [
        migrations.RunPython(remove_foreign_contacts, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]

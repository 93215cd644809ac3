"""The change log of what matching reads, written by triggers on every table it reads (both databases).

Kind "p": a ``CandidateIndex`` row (its profile id); kind "m": a mandate brief row (its mandate id).
"""

import django.utils.timezone
from django.db import migrations, models

# (table, kind, column naming the object)
LOGGED = [
    ("mandates_candidateindex", "p", "profile_id"),
    ("mandates_mandate", "m", "id"),
    ("mandates_mandate_required_skills", "m", "mandate_id"),
    ("mandates_mandate_nice_skills", "m", "mandate_id"),
    ("mandates_mandate_industries", "m", "mandate_id"),
    ("mandates_mandatelanguage", "m", "mandate_id"),
]

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION mandates_log_index_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO mandates_indexchange (kind, object_id, txid, at)
        VALUES (TG_ARGV[0], (to_jsonb(OLD) ->> TG_ARGV[1])::int, txid_current(), now());
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO mandates_indexchange (kind, object_id, txid, at)
        VALUES (TG_ARGV[0], (to_jsonb(NEW) ->> TG_ARGV[1])::int, txid_current(), now());
    END IF;
    RETURN NULL;
END $$
"""


def pg_trigger(table, kind, column):
    return (
        f"CREATE TRIGGER {table}_log AFTER INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION mandates_log_index_change('{kind}', '{column}')"
    )


def sqlite_triggers(table, kind, column):
    insert = "INSERT INTO mandates_indexchange (kind, object_id, at) VALUES ('{kind}', {row}.{column}, CURRENT_TIMESTAMP);"
    for event, rows in (("INSERT", ["NEW"]), ("UPDATE", ["OLD", "NEW"]), ("DELETE", ["OLD"])):
        body = " ".join(insert.format(kind=kind, row=row, column=column) for row in rows)
        yield f"CREATE TRIGGER {table}_log_{event.lower()} AFTER {event} ON {table} BEGIN {body} END"


def create_triggers(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    statements = [PG_FUNCTION] if postgres else []
    for table, kind, column in LOGGED:
        statements += [pg_trigger(table, kind, column)] if postgres else list(sqlite_triggers(table, kind, column))
    for statement in statements:
        schema_editor.execute(statement)


def drop_tags_gin(apps, schema_editor):
    """Ranking reads the in-process columnar copy now; the GIN over the tags only slowed every index write."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS candidateindex_tags_gin")


def create_tags_gin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX candidateindex_tags_gin ON mandates_candidateindex USING gin (tags) "
            "WITH (fastupdate = off) WHERE active"
        )


def drop_triggers(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for table, _kind, _column in LOGGED:
        if postgres:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_log ON {table}")
        else:
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_log_{event}")
    if postgres:
        schema_editor.execute("DROP FUNCTION IF EXISTS mandates_log_index_change()")


class Migration(migrations.Migration):

    dependencies = [
        ('mandates', '0013_analytics_snapshot'),
    ]

    operations = [
        migrations.CreateModel(
            name='IndexChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=1)),
                ('object_id', models.IntegerField()),
                ('txid', models.BigIntegerField(null=True)),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'indexes': [models.Index(fields=['txid'], name='indexchange_txid'), models.Index(fields=['at'], name='indexchange_at')],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.RunPython(drop_tags_gin, create_tags_gin),
    ]

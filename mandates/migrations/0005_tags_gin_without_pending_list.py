from django.db import migrations


def fastupdate_off(apps, schema_editor):
    """Every ranking scans the tags' GIN index once per item combination (``search._reach_clause``), and each scan
    also reads the whole pending list GIN keeps with ``fastupdate``: a few hundred profile edits made every scan
    ~130 pages dearer until the next vacuum. Without it a profile edit writes its ~20 tags into the index at once
    (well under a millisecond), and scans read only the posting lists."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER INDEX candidateindex_tags_gin SET (fastupdate = off)")
    schema_editor.execute("SELECT gin_clean_pending_list('candidateindex_tags_gin'::regclass)")


def fastupdate_default(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER INDEX candidateindex_tags_gin RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [
        ("mandates", "0004_candidate_index"),
    ]

    operations = [
        migrations.RunPython(fastupdate_off, fastupdate_default),
    ]

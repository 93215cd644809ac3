from django.db import migrations


def load_reference_data(apps, schema_editor):
    from managers import reference

    reference.load(apps)


class Migration(migrations.Migration):
    dependencies = [("managers", "0001_initial")]

    operations = [migrations.RunPython(load_reference_data, migrations.RunPython.noop)]

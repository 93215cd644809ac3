"""The staff groups Vermittlung, Teamleitung and Administration with their permissions (mandates/roles.py)."""

from django.db import migrations

from mandates.roles import create_groups


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("mfa", "0003_authenticator_type_uniq"),
        ("manatnet", "0002_audit_log"),
        ("managers", "0005_staff_permissions"),
        ("notifications", "0005_staff_permissions"),
        ("mandates", "0011_staff_permissions"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]

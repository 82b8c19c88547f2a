from django.db import migrations

# User.save now sets is_staff and is_superuser from the role (a system administrator is both,
# every other role neither). Users saved before that may hold flags that disagree with their
# role, for example a reviewer once ticked "superuser" in the admin: they are put in line here,
# so the admin site opens to system administrators only, as accounts.admin says.
SYSTEM_ADMIN = "system_admin"


def forward(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(role=SYSTEM_ADMIN).update(is_staff=True, is_superuser=True)
    User.objects.exclude(role=SYSTEM_ADMIN).update(is_staff=False, is_superuser=False)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_escalation_links_to_the_next_step"),
    ]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]

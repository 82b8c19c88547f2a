import re

from django.db import migrations

# Escalations ("CM26-...: the reviewer has not accepted (due ...)") now link to the case's next
# step (reviews.assignment.services._escalation_link), which the reviewer's answer settles by.
# Those still unread from before link to the case page itself: they get the new link, so an
# answer given after this upgrade settles them too.
ESCALATION = re.compile(r"^[A-Z0-9-]+: the reviewer has not accepted \(due ")
CASE_PAGE = re.compile(r"^/cases/[^/#?]+/$")


def forward(apps, schema_editor):
    Notification = apps.get_model("accounts", "Notification")
    unread = Notification.objects.filter(
        read_at__isnull=True, text__contains=": the reviewer has not accepted (due "
    )
    for note in unread.iterator():
        if ESCALATION.match(note.text) and CASE_PAGE.match(note.link):
            note.link += "#workflow"
            note.save(update_fields=["link"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_user_manager_makes_superusers_system_admins"),
    ]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop, elidable=True),
    ]

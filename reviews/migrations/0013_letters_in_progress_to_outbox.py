"""Letters and notices still being produced when the outbox arrived get their outbox row, so the
relay hands them to a worker (one left "Rendering" by a killed worker included): README, "No
lost work". The tasks are idempotent: a signed document is never rendered again."""

from django.db import migrations

IN_PROGRESS = ("queued", "rendering", "signed")


def rows_add(apps, schema_editor):
    FollowUp = apps.get_model("cases", "FollowUp")
    Letter = apps.get_model("reviews", "Letter")
    Notice = apps.get_model("reviews", "Notice")
    for letter in Letter.objects.filter(status__in=IN_PROGRESS):
        FollowUp.objects.get_or_create(
            key=f"reviews.tasks.letter_render:{letter.pk}",
            defaults={
                "task": "reviews.tasks.letter_render",
                "args": [letter.pk],
                "case_id": letter.case_id,
                "what": f"Letter version {letter.version} will be rendered, signed and sent",
            },
        )
    for notice in Notice.objects.filter(status__in=IN_PROGRESS):
        FollowUp.objects.get_or_create(
            key=f"reviews.tasks.notice_render:{notice.pk}",
            defaults={
                "task": "reviews.tasks.notice_render",
                "args": [notice.pk],
                "case_id": notice.case_id,
                "what": "The notice will be rendered, signed and sent",
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0022_follow_up"),
        ("reviews", "0012_notice_delivery_by_method"),
    ]

    operations = [migrations.RunPython(rows_add, migrations.RunPython.noop)]

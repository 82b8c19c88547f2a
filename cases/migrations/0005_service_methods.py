"""How the UR decision was served and how the notice of assignment was sent (issue 9): the
notice's boolean `notice_sent_electronically` becomes `notice_sent_by`, mail or electronic."""

from django.db import migrations, models


def notice_sent_by_from_boolean(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    # Only a notice that was sent has a method; the boolean of an unsent one was its default.
    sent = Case.objects.filter(date_assigned__isnull=False)
    sent.filter(notice_sent_electronically=True).update(notice_sent_by="electronic")
    sent.filter(notice_sent_electronically=False).update(notice_sent_by="mail")


def notice_sent_by_to_boolean(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Case.objects.filter(notice_sent_by="mail").update(notice_sent_electronically=False)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_seed_holiday_calendars"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="ur_decision_served_by",
            field=models.CharField(
                blank=True,
                choices=[
                    ("mail", "Mail"),
                    ("electronic", "Electronic"),
                    ("personal", "Personal delivery"),
                ],
                help_text="How the UR decision was served; blank when not known.",
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="notice_sent_by",
            field=models.CharField(
                blank=True,
                choices=[("mail", "Mail"), ("electronic", "Electronic")],
                help_text="How the notice of assignment was sent; blank when not sent or not known.",
                max_length=16,
            ),
        ),
        migrations.RunPython(notice_sent_by_from_boolean, notice_sent_by_to_boolean),
        migrations.RemoveField(
            model_name="case",
            name="notice_sent_electronically",
        ),
    ]

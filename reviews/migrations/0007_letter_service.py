"""Each letter version's method and date of service (issue 9). Letters delivered so far went
by e-mail on their mailing date."""

from django.db import migrations, models


def service_of_delivered_letters(apps, schema_editor):
    Letter = apps.get_model("reviews", "Letter")
    LetterDelivery = apps.get_model("reviews", "LetterDelivery")
    Letter.objects.filter(
        status="delivered", pk__in=LetterDelivery.objects.values("letter_id")
    ).update(sent_by="electronic", served_on=models.F("mailing_date"))


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0006_guideline_catalog"),
    ]

    operations = [
        migrations.AddField(
            model_name="letter",
            name="sent_by",
            field=models.CharField(
                blank=True,
                choices=[("mail", "Mail"), ("electronic", "Electronic")],
                help_text="How the letter was served; blank until delivered, or when not sent "
                "from here.",
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="letter",
            name="served_on",
            field=models.DateField(blank=True, help_text="The date of service.", null=True),
        ),
        migrations.RunPython(service_of_delivered_letters, migrations.RunPython.noop),
    ]

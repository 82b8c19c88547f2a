from django.db import migrations


def seed(apps, schema_editor):
    from reviews.roster.defaults import CATEGORY_SPECIALTIES, SPECIALTIES
    from reviews.roster.models import specialty_key

    Specialty = apps.get_model("reviews", "Specialty")
    CategorySpecialty = apps.get_model("reviews", "CategorySpecialty")
    by_name = {}
    for name in SPECIALTIES:
        obj, _ = Specialty.objects.get_or_create(key=specialty_key(name), defaults={"name": name})
        by_name[name] = obj
    for category, names in CATEGORY_SPECIALTIES.items():
        for name in dict.fromkeys(names):
            CategorySpecialty.objects.get_or_create(category=category, specialty=by_name[name])


class Migration(migrations.Migration):
    dependencies = [("reviews", "0002_roster")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""Seeds both holiday calendars, version 1, for 2013 through 2036 from the rules in
cases.clock.seed (our code, no library). It runs once per database: later changes to those
rules leave seeded tables alone; edits go through a new version."""

from django.db import migrations

from cases.clock.seed import FIRST_YEAR, LAST_YEAR, SEED_RULES

NOTE = (
    "Seeded from the rules of CCP 135 and Gov. Code 6700 (judicial) and Gov. Code 19853 and "
    f"CalHR's list (state offices) for {FIRST_YEAR}-{LAST_YEAR}."
)


def seed(apps, schema_editor):
    HolidayCalendar = apps.get_model("cases", "HolidayCalendar")
    CalendarVersion = apps.get_model("cases", "CalendarVersion")
    Holiday = apps.get_model("cases", "Holiday")
    for name, rule in SEED_RULES.items():
        calendar, _ = HolidayCalendar.objects.get_or_create(name=name)
        if calendar.versions.exists():
            continue
        version = CalendarVersion.objects.create(calendar=calendar, number=1, note=NOTE)
        Holiday.objects.bulk_create(
            Holiday(version=version, date=day, name=holiday, source=source)
            for year in range(FIRST_YEAR, LAST_YEAR + 1)
            for day, holiday, source in rule(year)
        )


def unseed(apps, schema_editor):
    apps.get_model("cases", "Holiday").objects.all().delete()
    apps.get_model("cases", "CalendarVersion").objects.all().delete()
    apps.get_model("cases", "HolidayCalendar").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_holiday_calendars")]
    operations = [migrations.RunPython(seed, unseed)]

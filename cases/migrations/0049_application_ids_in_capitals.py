"""Application IDs kept in capitals (cases.intake.validation.base.application_id_key): the
IDs already on file are written so, each only when it alone has its capitalised form. Cases
whose IDs differ only in their letters' case ("ab-1", "Ab-1", "AB-1") stay as they were: which
of them is the application is a person's call."""

import string
from collections import defaultdict

from django.db import migrations

_CAPITALS = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)


def capitalise(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    # Read whole before any row is written (SQLite updates a table badly while reading it).
    by_key = defaultdict(list)
    for pk, application_id in list(Case.objects.order_by().values_list("pk", "application_id")):
        by_key[application_id.translate(_CAPITALS)].append((pk, application_id))
    for key, cases in by_key.items():
        if len(cases) == 1 and cases[0][1] != key:
            Case.objects.filter(pk=cases[0][0]).update(application_id=key)


class Migration(migrations.Migration):
    dependencies = [("cases", "0048_case_notice_records_due_printed")]

    operations = [migrations.RunPython(capitalise, migrations.RunPython.noop)]

"""Application IDs kept in capitals (cases.intake.validation.base.application_id_key): the
IDs already on file are written so, each unless its capitalised form names another case (two
cases that differ only so stay as they were: which is the right one is a person's call)."""

import string

from django.db import migrations

_CAPITALS = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)


def capitalise(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    known = set(Case.objects.values_list("application_id", flat=True))
    for pk, application_id in Case.objects.values_list("pk", "application_id").iterator():
        key = application_id.translate(_CAPITALS)
        if key != application_id and key not in known:
            Case.objects.filter(pk=pk).update(application_id=key)
            known.add(key)


class Migration(migrations.Migration):
    dependencies = [("cases", "0048_case_notice_records_due_printed")]

    operations = [migrations.RunPython(capitalise, migrations.RunPython.noop)]

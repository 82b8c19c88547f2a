"""verify_files: the periodic integrity check of every stored file, run now."""

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from cases.integrity.checks import stored_files_verify


class Command(BaseCommand):
    help = (
        "Read every stored file (records, letters, notices, print batches) and compare it with "
        "the SHA-256 recorded when it was stored. Each missing or changed file is printed, "
        "listed on /integrity/, written to its case's history and e-mailed to the system "
        "administrators; the command then exits 1."
    )

    def handle(self, *args, **options):
        result = stored_files_verify()
        run = result.run
        for finding in result.findings:
            case = f" case {finding.case.case_number}" if finding.case_id else ""
            self.stdout.write(
                f"FAILED {finding.kind} {finding.object_id}{case} {finding.path}: "
                f"{finding.get_problem_display()}"
            )
        summary = (
            f"{run.files_checked} files ({filesizeformat(run.bytes_checked)}) checked, "
            f"{run.problems} failed"
        )
        if result.findings:
            raise CommandError(summary)
        self.stdout.write(summary)

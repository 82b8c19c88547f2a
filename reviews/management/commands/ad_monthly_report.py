"""manage.py ad_monthly_report YYYY-MM DEST [--format csv|pdf|both]: the Administrative
Director's monthly report (reviews.reports.monthly) written into the folder DEST."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reviews.reports.monthly import monthly_report, report_csv, report_pdf
from reviews.reports.runs import report_month


class Command(BaseCommand):
    help = (
        "Write the monthly report for the Administrative Director for month YYYY-MM into the "
        "folder DEST (made if missing) as ad-monthly-report-YYYY-MM.csv and .pdf: volumes, "
        "eligibility, timeliness (decided within the statutory time, Lab. Code 4610.6(d)), "
        "outcomes by treatment category and reviewer specialty, pharmaceuticals by drug class. "
        "A month not yet ended is counted to today, and the files say so. Prints the path of "
        "each file written."
    )

    def add_arguments(self, parser):
        parser.add_argument("month", help="The month, YYYY-MM.")
        parser.add_argument("dest", help="The folder to write the files into.")
        parser.add_argument(
            "--format", choices=("csv", "pdf", "both"), default="both", help="Default: both."
        )

    def handle(self, *args, **options):
        try:
            period = report_month(options["month"], today=timezone.localdate())
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        dest = Path(options["dest"])
        if dest.exists() and not dest.is_dir():
            raise CommandError(f"{dest} is not a folder.")
        dest.mkdir(parents=True, exist_ok=True)
        report = monthly_report(period)
        wanted = options["format"]
        if wanted in ("csv", "both"):
            path = dest / f"{report.file_stem}.csv"
            path.write_text(report_csv(report), encoding="utf-8")
            self.stdout.write(str(path))
        if wanted in ("pdf", "both"):
            path = dest / f"{report.file_stem}.pdf"
            path.write_bytes(report_pdf(report))
            self.stdout.write(str(path))

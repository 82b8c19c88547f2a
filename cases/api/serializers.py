"""What the API returns, for the OpenAPI schema. What it takes (the intake shape) is described by
cases.intake.schema from the checker's own tables; the export's intake fields reuse it."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.intake.schema import intake_case_json_schema
from cases.lifecycle.models import Case, CaseOutcome, CaseStatus, SentBy
from cases.records.models import RecordKind


class ImportResultSerializer(serializers.Serializer):
    application_id = serializers.CharField()
    case_number = serializers.CharField()
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    created = serializers.BooleanField(help_text="False when the application was already known.")
    differs = serializers.ListField(
        child=serializers.CharField(),
        help_text="For an application already known: the facts this submission gives "
        "otherwise than the case on file, as paths (`$.claim_number`, `$.injured_worker."
        "last_name`, `$.items`); empty when it is the same application sent again. Nothing was "
        "changed: an application_id names one application.",
    )


class CaseSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Case
        fields = ["case_number", "application_id", "status", "priority", "due_on"]


class ExportRecordSerializer(serializers.Serializer):
    title = serializers.CharField()
    document_date = serializers.DateField(allow_null=True)
    kind = serializers.ChoiceField(choices=RecordKind.choices)
    source = serializers.CharField(allow_null=True, help_text="Who sent it, when known.")
    filename = serializers.CharField(allow_null=True)
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    pages = serializers.IntegerField(allow_null=True)


class ItemClockSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="The disputed item's position in the case.")
    determination_due_on = serializers.DateField(
        allow_null=True, help_text="This item's own due date (Lab. Code 4610.6(d))."
    )
    due_first = serializers.BooleanField(help_text="Whether this item is due first.")


class StoredDueOnSerializer(serializers.Serializer):
    on = serializers.DateField(allow_null=True)
    explain = serializers.CharField(allow_null=True)
    calendar_version = serializers.CharField(allow_null=True)


class ClocksSerializer(serializers.Serializer):
    application_deadline = serializers.DateField()
    filed_late = serializers.BooleanField()
    notice_due_on = serializers.DateField(
        allow_null=True,
        help_text="The eligibility finding and notice of assignment (8 CCR 9792.10.4(b)).",
    )
    records_due_on = serializers.DateField(allow_null=True)
    records_complete_on = serializers.DateField(allow_null=True)
    records_overdue = serializers.BooleanField()
    determination_due_on = serializers.DateField(
        allow_null=True, help_text="The earliest item's due date."
    )
    items = ItemClockSerializer(
        many=True, help_text="Each item's due date, once the determination clock has started."
    )
    appeal_deadline = serializers.DateField(
        allow_null=True,
        help_text="From the issued letter's service (Lab. Code 4610.6(h)); null until every "
        'copy is served, and explain.appeal_deadline says why ("Not yet: no copy served ...").',
    )
    authorization_due_on = serializers.DateField(
        allow_null=True,
        help_text="From the claims administrator's receipt of its copy of the letter (8 CCR "
        "9792.10.7(a)(2)); null until that copy is served.",
    )
    reimbursement_due_on = serializers.DateField(
        allow_null=True,
        help_text="From the claims administrator's receipt of its copy of the letter (8 CCR "
        "9792.10.7(a)(1)); null until that copy is served.",
    )
    running = serializers.ChoiceField(
        choices=["notice", "records", "determination", "information"],
        allow_null=True,
        help_text="Which clock runs now: the notice of assignment, the records, the "
        "determination or the information requested.",
    )
    due_on = serializers.DateField(allow_null=True)
    days_left = serializers.IntegerField(allow_null=True)
    overdue = serializers.BooleanField()
    explain = serializers.DictField(
        child=serializers.CharField(),
        help_text='Each date\'s computation in words, by key ("records_due_on", '
        '"items[0].determination_due_on").',
    )
    calendar_versions = serializers.DictField(
        child=serializers.CharField(),
        help_text='The holiday-calendar version each date used ("judicial v1").',
    )
    stored_due_on = StoredDueOnSerializer(
        help_text="The deadline stored on the case as it was computed, with its explanation and "
        "calendar version; kept until the case's clock is recomputed."
    )


class AssignmentSerializer(serializers.Serializer):
    status = serializers.CharField()
    assigned_at = serializers.DateTimeField()


class LetterSerializer(serializers.Serializer):
    """One letter version, as cases.exports lists it: the hashes are of the signed bytes."""

    version = serializers.IntegerField()
    status = serializers.CharField()
    mailing_date = serializers.DateField(allow_null=True)
    sent_by = serializers.ChoiceField(
        choices=SentBy.choices, allow_null=True, help_text="How the letter was served."
    )
    served_on = serializers.DateField(allow_null=True, help_text="The date of service.")
    signed_at = serializers.DateTimeField(allow_null=True)
    party_sha256 = serializers.CharField(allow_null=True)
    public_sha256 = serializers.CharField(allow_null=True)
    calendar_versions = serializers.DictField(
        child=serializers.CharField(),
        help_text="The holiday-calendar version of each date the letter printed, set when it "
        "was rendered.",
    )


class ScreenSerializer(serializers.Serializer):
    """Where the eligibility screen stands besides the status (8 CCR 9792.10.3, 9792.10.4)."""

    deferred_on = serializers.DateField(
        allow_null=True, help_text="Deferred for a liability dispute since."
    )
    information_requested_on = serializers.DateField(allow_null=True)
    information_due_on = serializers.DateField(
        allow_null=True, help_text="Missing information due (5 business days)."
    )
    information_missing = serializers.ListField(child=serializers.CharField())
    expedited_on = serializers.DateField(
        allow_null=True, help_text="Converted to expedited on the physician's certification."
    )
    consolidated_into = serializers.CharField(
        allow_null=True, help_text="The case number this application was consolidated into."
    )
    screen_resumed_on = serializers.DateField(
        allow_null=True,
        help_text="The screen came back to received after a request for information or a "
        "deferral; the finding and notice run from it (8 CCR 9792.10.4(b)).",
    )


def _intake_field(schema: dict) -> serializers.JSONField:
    """A field the export shares with intake, documented by intake's schema. A class of its own
    because DRF copies declared fields by re-instantiating their class."""
    return extend_schema_field(schema)(type("IntakeField", (serializers.JSONField,), {}))()


CaseExportSerializer = type(
    "CaseExportSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "The case in the intake shape plus where it stands.",
        "__module__": __name__,
        **{
            key: _intake_field(schema)
            for key, schema in intake_case_json_schema()["properties"].items()
        },
        "records": ExportRecordSerializer(many=True),
        "status": serializers.ChoiceField(choices=CaseStatus.choices),
        "round": serializers.IntegerField(),
        "clocks": ClocksSerializer(),
        "screen": ScreenSerializer(),
        "assignment": AssignmentSerializer(allow_null=True),
        "outcome": serializers.ChoiceField(choices=CaseOutcome.choices, allow_null=True),
        "letters": LetterSerializer(many=True),
    },
)


class RecordAddedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_number = serializers.CharField(source="case.case_number")
    title = serializers.CharField()
    document_date = serializers.DateField(allow_null=True)
    kind = serializers.ChoiceField(choices=RecordKind.choices)
    source = serializers.CharField(help_text="Who sent it; empty when not known.")
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    created = serializers.SerializerMethodField(
        help_text="False when the same record was already in the case's file (a request sent "
        "again): nothing was added."
    )

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_created(self, record) -> bool:
        return self.context.get("created", True)


class ErrorSerializer(serializers.Serializer):
    path = serializers.CharField(
        allow_null=True, help_text="JSON path of the problem, e.g. $.items[0].category."
    )
    message = serializers.CharField()


class ErrorListSerializer(serializers.Serializer):
    errors = ErrorSerializer(many=True)

"""The API's JSON shapes, for the OpenAPI schema. Validation of intake is cases.intake's (it names
every problem by its JSON path); these serializers describe the same shape and the tests hold
their fields to intake's key lists."""

from rest_framework import serializers

from cases.intake.validation import NPI_RE, WORKER_MAX_AGE, WORKER_MIN_AGE
from cases.lifecycle.models import (
    Case,
    CaseOutcome,
    CaseStatus,
    CitationKind,
    ItemCategory,
    Outcome,
    Priority,
    Sex,
)
from cases.records.models import RecordKind


class CitationSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CitationKind.choices)
    text = serializers.CharField(
        required=False, allow_blank=True, help_text="The guideline cited; empty for kind none."
    )


class PartySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    identifier = serializers.CharField(
        required=False, allow_null=True, max_length=64, help_text="FEIN or similar."
    )
    email = serializers.EmailField(required=False, allow_null=True)
    address = serializers.CharField(required=False, allow_null=True)


class ProviderGroupSerializer(PartySerializer):
    npi = serializers.RegexField(NPI_RE.pattern, required=False, allow_null=True)


class PhysicianSerializer(ProviderGroupSerializer):
    specialty = serializers.CharField(required=False, allow_null=True, max_length=120)


class InjuredWorkerSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    age = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=WORKER_MIN_AGE,
        max_value=WORKER_MAX_AGE,
        help_text="Age at the date of injury; may stand for date_of_birth.",
    )
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    email = serializers.EmailField(required=False, allow_null=True)
    address = serializers.CharField(required=False, allow_null=True)


class DisputedItemSerializer(serializers.Serializer):
    description = serializers.CharField()
    category = serializers.ChoiceField(choices=ItemCategory.choices)
    original_request = serializers.CharField(
        required=False, allow_null=True, help_text="With authorized_portion when UR modified it."
    )
    authorized_portion = serializers.CharField(required=False, allow_null=True)
    ur_citation = CitationSerializer()
    formulary_dispute = serializers.BooleanField(
        required=False, help_text="A drug-formulary dispute (pharmaceuticals only)."
    )


class RecordSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    document_date = serializers.DateField(required=False, allow_null=True)
    kind = serializers.ChoiceField(
        choices=RecordKind.choices,
        required=False,
        help_text="Inferred from the title when absent (a UR decision, else medical).",
    )
    content = serializers.CharField(help_text="The PDF, base64-encoded.")
    filename = serializers.CharField(required=False, allow_null=True, max_length=255)
    sha256 = serializers.CharField(
        required=False, allow_null=True, help_text="If given, must match the content."
    )


class ReviewerCredentialsSerializer(serializers.Serializer):
    licensure = serializers.ListField(
        child=serializers.CharField(), help_text="State names or two-letter codes."
    )
    certifications = serializers.ListField(child=serializers.CharField())


class ItemDecisionSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, help_text="The item's number, from 1.")
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    citation = CitationSerializer()
    rationale = serializers.CharField()


class LegacyDeterminationSerializer(serializers.Serializer):
    reviewer = ReviewerCredentialsSerializer()
    decision_date = serializers.DateField()
    clinical_summary = serializers.CharField()
    decisions = ItemDecisionSerializer(many=True)


class IntakeCaseSerializer(serializers.Serializer):
    """One IMR application in the intake shape shared with import_cases."""

    application_id = serializers.CharField(
        max_length=64, help_text="Makes intake idempotent: a known id is not created again."
    )
    case_number = serializers.RegexField(
        r"^CM\d{2}-\d{7}$", required=False, allow_null=True, help_text="Assigned when absent."
    )
    priority = serializers.ChoiceField(choices=Priority.choices)
    application_received = serializers.DateField()
    date_assigned = serializers.DateField(
        required=False, allow_null=True, help_text="The notice of assignment, if already sent."
    )
    ur_decision_date = serializers.DateField()
    ur_decision_served_on = serializers.DateField(required=False, allow_null=True)
    date_of_injury = serializers.DateField()
    claim_number = serializers.CharField(max_length=64)
    injured_worker = InjuredWorkerSerializer()
    employer = PartySerializer()
    claims_administrator = PartySerializer()
    requesting_provider = PhysicianSerializer()
    provider_group = ProviderGroupSerializer(required=False, allow_null=True)
    ur_organization = PartySerializer()
    ur_physician = PhysicianSerializer(required=False, allow_null=True)
    attorney = PartySerializer(required=False, allow_null=True)
    diagnoses = serializers.ListField(child=serializers.CharField(), required=False)
    items = DisputedItemSerializer(many=True)
    records = RecordSerializer(many=True, required=False)
    determination = LegacyDeterminationSerializer(
        required=False,
        allow_null=True,
        help_text="A completed review from a legacy system (case administrators only).",
    )


class ImportResultSerializer(serializers.Serializer):
    application_id = serializers.CharField()
    case_number = serializers.CharField()
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    created = serializers.BooleanField(help_text="False when the application was already known.")


class CaseSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Case
        fields = ["case_number", "application_id", "status", "priority", "due_on"]


class ExportRecordSerializer(serializers.Serializer):
    title = serializers.CharField()
    document_date = serializers.DateField(allow_null=True)
    kind = serializers.ChoiceField(choices=RecordKind.choices)
    filename = serializers.CharField(allow_null=True)
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    pages = serializers.IntegerField(allow_null=True)


class ClocksSerializer(serializers.Serializer):
    application_deadline = serializers.DateField()
    filed_late = serializers.BooleanField()
    records_due_on = serializers.DateField(allow_null=True)
    records_complete_on = serializers.DateField(allow_null=True)
    records_overdue = serializers.BooleanField()
    determination_due_on = serializers.DateField(allow_null=True)
    running = serializers.ChoiceField(
        choices=["records", "determination"], allow_null=True, help_text="Which clock runs now."
    )
    due_on = serializers.DateField(allow_null=True)
    days_left = serializers.IntegerField(allow_null=True)
    overdue = serializers.BooleanField()


class AssignmentSerializer(serializers.Serializer):
    status = serializers.CharField()
    assigned_at = serializers.DateTimeField()


class LetterSerializer(serializers.Serializer):
    """One letter version, as cases.exports lists it: the hashes are of the signed bytes."""

    version = serializers.IntegerField()
    status = serializers.CharField()
    mailing_date = serializers.DateField(allow_null=True)
    signed_at = serializers.DateTimeField(allow_null=True)
    party_sha256 = serializers.CharField(allow_null=True)
    public_sha256 = serializers.CharField(allow_null=True)


class CaseExportSerializer(IntakeCaseSerializer):
    """The case in the intake shape plus where it stands."""

    records = ExportRecordSerializer(many=True)
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    round = serializers.IntegerField()
    clocks = ClocksSerializer()
    assignment = AssignmentSerializer(allow_null=True)
    outcome = serializers.ChoiceField(choices=CaseOutcome.choices, allow_null=True)
    letters = LetterSerializer(many=True)


class RecordUploadSerializer(RecordSerializer):
    """One record for an existing case."""


class RecordAddedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_number = serializers.CharField(source="case.case_number")
    title = serializers.CharField()
    document_date = serializers.DateField(allow_null=True)
    kind = serializers.ChoiceField(choices=RecordKind.choices)
    sha256 = serializers.CharField()
    size = serializers.IntegerField()


class ErrorSerializer(serializers.Serializer):
    path = serializers.CharField(
        allow_null=True, help_text="JSON path of the problem, e.g. $.items[0].category."
    )
    message = serializers.CharField()


class ErrorListSerializer(serializers.Serializer):
    errors = ErrorSerializer(many=True)

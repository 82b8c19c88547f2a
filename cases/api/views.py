"""The REST API under /api/v1/ (SPEC section 7): other systems submit applications and records in
the intake shape and read where their cases stand. Token authentication; every error is JSON,
`{"errors": [{"path": "$.items[0].category", "message": "..."}]}`."""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import exceptions, generics, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.json import strict_constant
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from accounts.api_auth import ApiTokenAuthentication
from cases.access import Ability, case_get_for, may, roles_allowed
from cases.api.serializers import (
    CaseExportSerializer,
    CaseSummarySerializer,
    ErrorListSerializer,
    ImportResultSerializer,
    RecordAddedSerializer,
)
from cases.casefile.exports import case_export
from cases.casefile.selectors import case_list_for
from cases.intake.schema import intake_json_schema, record_json_schema
from cases.intake.services import cases_import
from cases.intake.validation import (
    IntakeInvalid,
    record_upload,
    record_validate,
    validation_error_paths,
)
from cases.integrity.responses import stored_file_served
from cases.integrity.stored import StoredFileCorrupt
from cases.jsoncheck import (
    JsonError,
    JsonKeyRepeated,
    JsonTooDeep,
    closest,
    json_loads,
    key_path,
    not_one_of,
)
from cases.lifecycle.models import CaseStatus, Priority
from cases.records.services import record_add_once
from cases.registry import reviewer_side

# Who may submit applications and records: other systems and the IRO's own administrators.


class CanSubmit(BasePermission):
    message = (
        f"Only {roles_allowed(Ability.SUBMIT_APPLICATIONS)} may submit applications and records."
    )

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or may(request.user, Ability.SUBMIT_APPLICATIONS)


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


class BodyTooDeep(exceptions.ParseError):
    """A body nested deeper than cases.jsoncheck.MAX_DEPTH: JSON, but more than any field takes
    (from QA: it was answered "not valid JSON")."""


class IntakeJSONParser(JSONParser):
    """The API's JSON, read by cases.jsoncheck.json_loads as every JSON a sender gives: a body
    nested deeper than MAX_DEPTH is refused (5,000 levels overflowed the parser: a server
    error), and so is a key given twice in one object (the last value won silently), each as
    DRF refuses bad syntax; past a UTF-8 byte-order mark, as the import page and import_cases
    read (a file some systems save with one was refused with Python's words, "decode using
    utf-8-sig")."""

    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read() if stream is not None else b""
        # DRF's choice of charset, which refuses a codec that decompresses (bz2_codec).
        encoding = get_encoding(parser_context or {})
        try:
            return json_loads(
                body.removeprefix(codecs.BOM_UTF8).decode(encoding),
                parse_constant=strict_constant if self.strict else None,
            )
        except JsonTooDeep as exc:
            raise BodyTooDeep(
                f"The body is too deeply nested: it {exc} (an application nests five)."
            ) from exc
        except JsonKeyRepeated as exc:
            raise IntakeInvalid([JsonError(exc.path, exc.problem)]) from exc
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from exc


class BodySizeLimited:
    """Refuse a request body over settings.API_MAX_BODY_BYTES before it is read, and read one
    within it. Django would refuse any body over DATA_UPLOAD_MAX_MEMORY_SIZE (the web forms'
    limit, smaller) with its own 400: a 45 MB record is a 60 MB body in base64, within the
    documented 50 MB record limit."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method in SAFE_METHODS:
            return
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0
        limit = settings.API_MAX_BODY_BYTES
        if size > limit:
            raise RequestTooLarge(
                f"The request body is {size / 1_048_576:.1f} MB; the limit is "
                f"{limit / 1_048_576:.0f} MB. Send fewer applications or records per request."
            )
        raw = request._request
        if size and not raw._read_started:
            # What HttpRequest.body does, without its smaller limit: the stream stops at
            # CONTENT_LENGTH, which was checked above.
            raw._body = raw.read()
            raw._stream = io.BytesIO(raw._body)


def _body(request):
    # An empty body parses to an empty dict; give intake None so it says nothing was sent.
    data = request.data
    return None if request.stream is None else data


ERROR_RESPONSES = {
    400: OpenApiResponse(ErrorListSerializer, description="Invalid input: each problem by path."),
    401: OpenApiResponse(ErrorListSerializer, description="No valid token."),
    403: OpenApiResponse(ErrorListSerializer, description="The role may not do this."),
}

# A body sent as anything but JSON (a form post, text/plain) is refused before it is read.
UNSUPPORTED_MEDIA_TYPE = OpenApiResponse(
    ErrorListSerializer, description="The body is not sent as application/json."
)

# The request bodies are described by the checker's own tables (cases.intake.schema).
INTAKE_BODY = {"application/json": intake_json_schema()}
RECORD_BODY = {"application/json": record_json_schema()}
IMPORT_RESULTS = PolymorphicProxySerializer(
    component_name="ImportResults",
    serializers=[ImportResultSerializer, ImportResultSerializer(many=True)],
    resource_type_field_name=None,
    many=False,
)


# What the case list takes in its query string (DRF's ?format= included).
LIST_PARAMETERS = ("status", "priority", "limit", "offset", api_settings.URL_FORMAT_OVERRIDE)


def _hint(name: str) -> str:
    nearest = closest(name, LIST_PARAMETERS)
    suggestion = f"; did you mean '{nearest[0]}'?" if nearest else ""
    return f"{suggestion} (it takes {', '.join(LIST_PARAMETERS[:4])})"


class CaseListCreateView(BodySizeLimited, generics.ListAPIView):
    serializer_class = CaseSummarySerializer
    permission_classes = [IsAuthenticated, CanSubmit]
    parser_classes = [IntakeJSONParser]

    def get_queryset(self):
        params = self.request.query_params
        status_filter, priority = params.get("status", ""), params.get("priority", "")
        # A filter that is not one of its values (an empty one too: leave it out for every
        # case) is an error, not "every case": a sender's typo must not look like an answer.
        errors = [
            not_one_of(f"?{name}", value, choices, what=f"a {name}")
            for name, value, choices in (
                ("status", status_filter, ["open", *CaseStatus.values]),
                ("priority", priority, Priority.values),
            )
            if name in params and value not in choices
        ]
        # Nor is a parameter the list does not take (?stauts=, ?application_id=): ignored, it
        # answered with every case, which a sender could take for the one it asked about.
        errors += [
            JsonError(f"?{name}", f"is not a parameter of this list{_hint(name)}")
            for name in params
            if name not in LIST_PARAMETERS
        ]
        # Nor is a parameter given twice: the list took the last (?status=issued&status=received
        # answered with the received cases), which a sender expecting either could misread.
        errors += [
            JsonError(
                f"?{name}",
                f"is given {len(params.getlist(name))} times; give it once (one value: "
                "ask once per value)",
            )
            for name in params
            if name in LIST_PARAMETERS and len(params.getlist(name)) > 1
        ]
        if errors:
            raise IntakeInvalid(errors)
        return case_list_for(self.request.user, status=status_filter, priority=priority)

    @extend_schema(
        summary="List the cases you may see",
        description=(
            "API clients see the cases their system submitted; administrators see every case. "
            "Ordered by the running deadline, soonest first."
        ),
        parameters=[
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=["open", *CaseStatus.values],
                description="Only cases in this status ('open': not closed).",
            ),
            OpenApiParameter("priority", OpenApiTypes.STR, enum=Priority.values),
        ],
        responses={
            200: CaseSummarySerializer(many=True),
            400: OpenApiResponse(
                ErrorListSerializer,
                description="A filter is not one of its values, a paging number is not a whole "
                "number, or a parameter is not one the list takes.",
            ),
            401: ERROR_RESPONSES[401],
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Submit one application or a list of them",
        description=(
            "The intake JSON (SPEC section 7); records carry the PDF in base64 `content`. "
            "Idempotent by `application_id`: an application already known is not created again "
            "and comes back with `created: false` and its current number and status. If any "
            "application is invalid nothing is created and every problem is listed by path. "
            "A single object returns a single result, a list returns a list."
        ),
        request=INTAKE_BODY,
        responses={
            201: OpenApiResponse(IMPORT_RESULTS, description="At least one case was created."),
            200: OpenApiResponse(IMPORT_RESULTS, description="Every application was known."),
            **ERROR_RESPONSES,
            413: OpenApiResponse(ErrorListSerializer, description="The body is too large."),
            415: UNSUPPORTED_MEDIA_TYPE,
        },
        examples=[
            OpenApiExample(
                "Created",
                value={
                    "application_id": "A-2016-000123",
                    "case_number": "CM16-0213037",
                    "status": CaseStatus.RECEIVED.value,
                    "created": True,
                },
                response_only=True,
                status_codes=["201"],
            )
        ],
    )
    def post(self, request, *args, **kwargs):
        payload = _body(request)
        results = cases_import(payload=payload, actor=request.user, source="api")
        body = [result.as_dict() for result in results]
        code = (
            status.HTTP_201_CREATED
            if any(result.created for result in results)
            else status.HTTP_200_OK
        )
        return Response(body if isinstance(payload, list) else body[0], status=code)


CASE_NUMBER = OpenApiParameter(
    "case_number",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The case number, e.g. CM16-0213037.",
)


class CaseDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="A case: its intake data and where it stands",
        description=(
            "The intake shape plus status, round, clocks, assignment, outcome (once issued) and "
            "letters. Records are listed with their SHA-256, not their content."
        ),
        parameters=[CASE_NUMBER],
        responses={
            200: CaseExportSerializer,
            401: ERROR_RESPONSES[401],
            404: OpenApiResponse(ErrorListSerializer, description="No such case visible to you."),
        },
    )
    def get(self, request, case_number: str):
        case = case_get_for(request.user, case_number)
        return Response(case_export(case, include_content=False, include_reviewer=False))


class AnyAccept(DefaultContentNegotiation):
    """A download answers with its file whatever the client accepts (Accept: application/pdf
    included), and its errors in JSON, as every API answer."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class StoredLetterRefused(exceptions.APIException):
    status_code = status.HTTP_500_INTERNAL_SERVER_ERROR
    default_detail = (
        "The stored letter failed its integrity check and is not served; the administrators "
        "were told."
    )


LETTER_COPIES = ("party", "public")


class CaseLetterDownloadView(APIView):
    permission_classes = [IsAuthenticated]
    content_negotiation_class = AnyAccept

    @extend_schema(
        summary="Download a signed letter",
        description=(
            "The signed PDF of a letter version (the `letters[].version` of the case), as the "
            "parties got it (`party.pdf`) or as the state publishes it, without the parties' "
            "names (`public.pdf`, 8 CCR 9792.10.6(g)(2)). Its SHA-256 is the case's "
            "`letters[].party_sha256` or `public_sha256`; the bytes are checked against it "
            "before they are sent."
        ),
        parameters=[
            CASE_NUMBER,
            OpenApiParameter("version", OpenApiTypes.INT, OpenApiParameter.PATH),
            OpenApiParameter(
                "which", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(LETTER_COPIES)
            ),
        ],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The signed PDF."
            ),
            401: ERROR_RESPONSES[401],
            404: OpenApiResponse(
                ErrorListSerializer,
                description="No such case visible to you, or no signed letter of that version.",
            ),
            500: OpenApiResponse(
                ErrorListSerializer, description="The stored file failed its integrity check."
            ),
        },
    )
    def get(self, request, case_number: str, version: str, which: str):
        case = case_get_for(request.user, case_number)
        pdf = reviewer_side().letter_pdf(case, int(version), public=which == "public")
        if pdf is None:
            raise exceptions.NotFound(f"Case {case.case_number} has no signed letter {version}.")
        try:
            return stored_file_served(
                pdf.letter, pdf.file_field, actor=request.user, filename=pdf.filename
            )
        except StoredFileCorrupt as error:
            raise StoredLetterRefused() from error


class CaseRecordCreateView(BodySizeLimited, APIView):
    permission_classes = [IsAuthenticated, CanSubmit]
    parser_classes = [IntakeJSONParser]

    @extend_schema(
        summary="Add a medical record to a case",
        description=(
            "A PDF in base64 `content`, within the size limit, to an open case. Safe to send "
            "again after a timeout: the same PDF under the same title and document date, already "
            "in the case's file, is not added twice and comes back with `created: false`; the "
            "same PDF under another title or date is refused (400), as the case page refuses it."
        ),
        parameters=[CASE_NUMBER],
        request=RECORD_BODY,
        responses={
            201: OpenApiResponse(RecordAddedSerializer, description="The record was added."),
            200: OpenApiResponse(
                RecordAddedSerializer,
                description="The same record was already in the case's file: nothing was added.",
            ),
            **ERROR_RESPONSES,
            404: OpenApiResponse(ErrorListSerializer, description="No such case visible to you."),
            413: OpenApiResponse(ErrorListSerializer, description="The body is too large."),
            415: UNSUPPORTED_MEDIA_TYPE,
        },
    )
    def post(self, request, case_number: str):
        case = case_get_for(request.user, case_number)
        cleaned, errors = record_validate(_body(request))
        if errors:
            raise IntakeInvalid(errors)
        upload = record_upload(cleaned)
        record, created = record_add_once(
            case=case,
            actor=request.user,
            uploaded=upload,
            title=cleaned["title"],
            document_date=cleaned["document_date"],
            kind=cleaned["kind"],
            source=cleaned.get("source") or "",
        )
        body = RecordAddedSerializer(record, context={"created": created}).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


# --- errors -------------------------------------------------------------------------------------


def _drf_errors(detail, path: str) -> Iterator[JsonError]:
    """DRF's nested error detail as one error per message, each at its JSON path."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            field_path = (
                path
                if key in (api_settings.NON_FIELD_ERRORS_KEY, "__all__")
                else key_path(path, key)
            )
            yield from _drf_errors(value, field_path)
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                yield from _drf_errors(value, f"{path}[{index}]")
            else:
                yield JsonError(path, str(value))
    else:
        yield JsonError(path, str(detail))


# How a body is sent: what a refused body is told.
# A list of applications is taken too, each answered in turn (post above; from QA: the message
# said one object only).
JSON_BODY = (
    "Send one application as a JSON object, or several as a JSON list of objects, with the "
    "header Content-Type: application/json."
)

# Errors about the request body as a whole carry the path "$"; the rest (authentication,
# permission, not found) are not about a place in the body and carry none.
_BODY_ERRORS = (exceptions.ParseError, exceptions.UnsupportedMediaType, RequestTooLarge)


def exception_handler(exc, context):
    """Every API error as `{"errors": [{"path": ..., "message": ...}]}`."""
    if isinstance(exc, IntakeInvalid):
        errors = exc.errors
        return Response(
            {"errors": [error.as_dict() for error in errors]}, status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, DjangoValidationError):
        errors = validation_error_paths(exc, "$")
        return Response(
            {"errors": [error.as_dict() for error in errors]}, status=status.HTTP_400_BAD_REQUEST
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = [error.as_dict() for error in _drf_errors(exc.detail, "$")]
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
        message = detail.get("detail", detail) if isinstance(detail, dict) else detail
        path = "$" if isinstance(exc, _BODY_ERRORS) else None
        if isinstance(exc, exceptions.NotAuthenticated):
            # No header at all: say how to send one, as a header in another form is told.
            message = f"No API token was sent. {ApiTokenAuthentication.how_to_send}."
        elif isinstance(exc, BodyTooDeep):
            pass  # JSON, but deeper than any field: its message says so.
        elif isinstance(exc, exceptions.ParseError):
            # From QA: the parser's words alone ("JSON parse error - Expecting property name
            # enclosed in double quotes…") say neither what to send nor how.
            found = str(message).removeprefix("JSON parse error - ")
            message = f"The body is not valid JSON ({found}). {JSON_BODY}"
        elif isinstance(exc, exceptions.UnsupportedMediaType):
            message = f"{message} {JSON_BODY}"
        errors = [{"path": path, "message": str(message)}]
    response.data = {"errors": errors}
    return response

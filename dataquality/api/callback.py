"""The notebook's endpoints: the completion callback and the run manifest (contract sections 3 and 5).

They take `Authorization: Bearer <callback_token>`, a token scoped to the run in the URL; REST tokens and
sessions are not accepted here.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.utils.mediatypes import media_type_matches
from rest_framework.views import APIView

from dataquality.api.bounded_body import read_bounded_body
from dataquality.api.errors import Conflict
from dataquality.models import ProfileRun
from dataquality.services.results.callback_tokens import token_expired, token_matches
from dataquality.services.results.completion import RunCanceled, complete_profile_run
from dataquality.services.results.manifest import build_manifest
from dataquality.services.results.payloads import CompletionPayloadSerializer, MalformedPayload, parse_json_document
from dataquality.services.launch.profiling import run_summary


@dataclass(frozen=True)
class CallbackCaller:
    """The notebook of one run, as `request.user`; the run itself is `request.auth`."""

    profile_run_id: UUID
    is_authenticated = True


class CallbackTokenAuthentication(BaseAuthentication):
    """`Bearer <token>` where the token is the HMAC of the run id in the URL.

    A token that does not match that id gets 401 before any lookup, so a caller without a valid token learns
    nothing about which runs exist; a matching token for a missing run gets 404.
    """

    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2 or not parts[1].isascii():
            raise exceptions.AuthenticationFailed("Malformed bearer token.")
        profile_run_id = request.parser_context["kwargs"]["profile_run_id"]
        if not token_matches(profile_run_id, parts[1].decode("ascii")):
            raise exceptions.AuthenticationFailed("Invalid callback token for this profile run.")
        profile_run = ProfileRun.objects.select_related("table_group").filter(pk=profile_run_id).first()
        if profile_run is None:
            raise exceptions.NotFound("Unknown profile run.")
        if token_expired(profile_run):
            raise exceptions.AuthenticationFailed("The callback token of this profile run has expired.")
        return CallbackCaller(profile_run.pk), profile_run

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="profile-callback"'


class CallbackTokenScheme(OpenApiAuthenticationExtension):
    target_class = CallbackTokenAuthentication
    name = "callbackToken"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Bearer")


class _NotebookView(APIView):
    authentication_classes = [CallbackTokenAuthentication]
    permission_classes = [IsAuthenticated]
    # Not throttled per user: the caller is a run's notebook, whose token already bounds what it may send.
    throttle_classes: list = []


_RUN_ID = OpenApiParameter("profile_run_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
_RunSummary = inline_serializer(
    "CallbackRunSummary",
    {
        "profile_run_id": serializers.UUIDField(),
        "table_group_id": serializers.IntegerField(),
        "status": serializers.CharField(),
        "databricks_run_id": serializers.CharField(allow_null=True),
        "databricks_job_id": serializers.CharField(allow_null=True),
        "run_page_url": serializers.CharField(),
        "warnings": serializers.ListField(child=serializers.CharField()),
    },
)


class CompleteProfileRunView(_NotebookView):
    # For the schema and the media type only: the body is read by `read_bounded_body`, never by DRF, within
    # PROFILE_CALLBACK_MAX_BYTES (not the general limit of dataquality/middleware/body_limit.py).
    parser_classes = [JSONParser]
    reads_own_body = True

    @extend_schema(
        operation_id="complete_profile_run",
        parameters=[_RUN_ID],
        request=CompletionPayloadSerializer,
        responses={
            200: _RunSummary,
            400: OpenApiResponse(description="Malformed payload; nothing was written."),
            401: OpenApiResponse(description="Missing, wrong, other run's or expired callback token."),
            404: OpenApiResponse(description="Unknown profile run."),
            409: OpenApiResponse(description="The run was canceled."),
            413: OpenApiResponse(description="Payload over PROFILE_CALLBACK_MAX_BYTES."),
            415: OpenApiResponse(description="Not JSON."),
        },
    )
    def post(self, request, profile_run_id: str):
        if not media_type_matches(JSONParser.media_type, request.content_type):
            raise exceptions.UnsupportedMediaType(request.content_type)
        body = read_bounded_body(request._request, settings.PROFILE_CALLBACK_MAX_BYTES)
        try:
            payload = parse_json_document(body)
        except MalformedPayload as error:
            raise exceptions.ParseError(str(error)) from error
        try:
            profile_run = complete_profile_run(profile_run_id=profile_run_id, payload=payload, source="callback")
        except RunCanceled as error:
            raise Conflict(str(error)) from error
        return Response(run_summary(profile_run))


class ProfileRunManifestView(_NotebookView):
    @extend_schema(
        operation_id="profile_run_manifest",
        parameters=[_RUN_ID],
        responses={200: OpenApiResponse(description="What the notebook must profile for this run.")},
    )
    def get(self, request, profile_run_id: str):
        return Response(build_manifest(request.auth))

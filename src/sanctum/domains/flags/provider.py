"""The OpenFeature provider backed by Sanctum's database: it answers from the snapshot the flag service
keeps in memory, so an evaluation costs no query and no network round trip.

The evaluation context's `targeting_key` is the user id; the attribute `sanctum` (a sanctum id) lets a
per-sanctum override apply. Only boolean flags exist; asking for another type, or for a flag the
catalogue does not declare, returns the caller's default with OpenFeature's error code.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence

from openfeature.evaluation_context import EvaluationContext
from openfeature.exception import ErrorCode
from openfeature.flag_evaluation import FlagResolutionDetails, FlagValueType, Reason
from openfeature.provider import AbstractProvider, Metadata

from sanctum.domains.flags.catalogue import FLAGS
from sanctum.domains.flags.rules import Snapshot, decide

_REASONS = {
    "default": Reason.DEFAULT,
    "disabled": Reason.DISABLED,
    "user_override": Reason.TARGETING_MATCH,
    "sanctum_override": Reason.TARGETING_MATCH,
    "rollout": Reason.SPLIT,
}


def _uuid(value: object) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


class SanctumProvider(AbstractProvider):
    def __init__(self, snapshot: Callable[[], Snapshot]) -> None:
        super().__init__()
        self._snapshot = snapshot

    def get_metadata(self) -> Metadata:
        return Metadata(name="sanctum-database")

    def resolve_boolean_details(
        self, flag_key: str, default_value: bool, evaluation_context: EvaluationContext | None = None
    ) -> FlagResolutionDetails[bool]:
        flag = FLAGS.get(flag_key)
        if flag is None:
            return FlagResolutionDetails(
                default_value, error_code=ErrorCode.FLAG_NOT_FOUND, reason=Reason.ERROR, error_message=flag_key
            )
        context = evaluation_context or EvaluationContext()
        user = _uuid(context.targeting_key)
        sanctum = _uuid(context.attributes.get("sanctum"))
        value, why = decide(self._snapshot(), flag, user, sanctum)
        return FlagResolutionDetails(value, reason=_REASONS[why], variant="on" if value else "off")

    def _mismatch(self, default: object) -> FlagResolutionDetails:  # type: ignore[type-arg]
        return FlagResolutionDetails(default, error_code=ErrorCode.TYPE_MISMATCH, reason=Reason.ERROR)

    def resolve_string_details(
        self, flag_key: str, default_value: str, evaluation_context: EvaluationContext | None = None
    ) -> FlagResolutionDetails[str]:
        return self._mismatch(default_value)

    def resolve_integer_details(
        self, flag_key: str, default_value: int, evaluation_context: EvaluationContext | None = None
    ) -> FlagResolutionDetails[int]:
        return self._mismatch(default_value)

    def resolve_float_details(
        self, flag_key: str, default_value: float, evaluation_context: EvaluationContext | None = None
    ) -> FlagResolutionDetails[float]:
        return self._mismatch(default_value)

    def resolve_object_details(
        self,
        flag_key: str,
        default_value: Sequence[FlagValueType] | Mapping[str, FlagValueType],
        evaluation_context: EvaluationContext | None = None,
    ) -> FlagResolutionDetails[Sequence[FlagValueType] | Mapping[str, FlagValueType]]:
        return self._mismatch(default_value)

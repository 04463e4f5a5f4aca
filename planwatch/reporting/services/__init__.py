"""The reporting round, from opening to publication: every operation that touches several
records. Pages, the API, imports, the command line and tests all call these functions, which
check permissions themselves (planwatch.reporting.permissions) and record every change.

Saves are optimistic: the caller passes the version it read; when someone saved in between, the
save raises :class:`Conflict` and nothing is written. A status or an assessment that does not exist
yet is read as version 0 (rows start at 1): creating it is part of the same check, so of two first
saves exactly one wins.

The operations live in one module per subject (``base``: conflicts, events and the optimistic
writes; ``rounds``; ``contributions``; ``review``; ``statuses``; ``assessments``); this package
re-exports every name, so callers import from ``planwatch.reporting.services``.
"""

from .assessments import save_assessment
from .base import Conflict, _bump, _create_or_bump, _require, _translations, record
from .contributions import (
    BudgetInput,
    ContributionInput,
    _changes,
    _contribution_snapshot,
    check_contribution,
    format_evidence,
    parse_evidence,
    save_contribution,
)
from .review import _check_review, return_contribution, validate_contribution, withdraw_contribution
from .rounds import (
    ActorGap,
    PublicationCheck,
    close_round,
    create_round,
    open_round,
    publication_check,
    publish_round,
    reopen_for_actor,
)
from .statuses import STARTED, correct_status, decide_status, propose_status, proposed_status_for

__all__ = [
    "STARTED",
    "ActorGap",
    "BudgetInput",
    "Conflict",
    "ContributionInput",
    "PublicationCheck",
    "_bump",
    "_changes",
    "_check_review",
    "_contribution_snapshot",
    "_create_or_bump",
    "_require",
    "_translations",
    "check_contribution",
    "close_round",
    "correct_status",
    "create_round",
    "decide_status",
    "format_evidence",
    "open_round",
    "parse_evidence",
    "propose_status",
    "proposed_status_for",
    "publication_check",
    "publish_round",
    "record",
    "reopen_for_actor",
    "return_contribution",
    "save_assessment",
    "save_contribution",
    "validate_contribution",
    "withdraw_contribution",
]

"""The write side of the API: focal points fill and submit their contributions, coordinators
validate or return them.

Nothing here decides who may do what or how a contribution is saved: the list is
``permissions.contributions_visible_to(user)`` (anything else is 404), and every write goes
through the function of ``planwatch.reporting.services`` the contribution page calls, with the
version the client read. The services check the permission again, validate, save, and record the
change (a reporting ``Event``). Their refusals become HTTP answers here:

- ``PermissionDenied`` → 403, ``ValidationError`` → 400 with messages per field,
- ``Conflict`` (someone saved after the client read) → 409 with the current contribution.

These answers are private: ``Cache-Control: private, no-cache``; contributions never appear in
the public endpoints, which read published rounds only.

The package: ``reading`` (the serializers of what is shown), ``inputs`` (what is accepted),
``views`` (the endpoints); every name is re-exported here.
"""

from .inputs import (
    AMOUNT_TEXT,
    HTTP_URL,
    MAX_AMOUNT,
    MAX_BUDGET_LINES,
    MAX_EVIDENCE,
    MAX_MILESTONES,
    TEXT_LIMIT,
    AmountField,
    BudgetLineInput,
    CommentField,
    ConflictSerializer,
    ContributionChangeSerializer,
    ContributionFilter,
    ContributionInputSerializer,
    EvidenceInput,
    HttpUrlField,
    Invalid,
    MilestoneProposalInput,
    NarrativeInput,
    ReturnInput,
    Strict,
    StrictScheme,
    VersionInput,
    _content_fields,
    _flatten,
    _service_errors,
)
from .reading import (
    ContributionBudgetOutSerializer,
    ContributionBudgetSerializer,
    ContributionSerializer,
    EvidenceSerializer,
    MilestoneProposalSerializer,
)
from .views import (
    AUTH_ERRORS,
    ID,
    SLUG_QUERY,
    WRITE_ERRORS,
    ContributionDetail,
    ContributionList,
    ContributionReturn,
    ContributionScoped,
    ContributionSubmit,
    ContributionValidate,
    ContributionWithdraw,
    Private,
    _contributions,
    _merge,
    _refuse_edit,
    _refuse_review,
)

__all__ = [
    "AMOUNT_TEXT",
    "AUTH_ERRORS",
    "AmountField",
    "BudgetLineInput",
    "CommentField",
    "ConflictSerializer",
    "ContributionBudgetOutSerializer",
    "ContributionBudgetSerializer",
    "ContributionChangeSerializer",
    "ContributionDetail",
    "ContributionFilter",
    "ContributionInputSerializer",
    "ContributionList",
    "ContributionReturn",
    "ContributionScoped",
    "ContributionSerializer",
    "ContributionSubmit",
    "ContributionValidate",
    "ContributionWithdraw",
    "EvidenceInput",
    "EvidenceSerializer",
    "HTTP_URL",
    "HttpUrlField",
    "ID",
    "Invalid",
    "MAX_AMOUNT",
    "MAX_BUDGET_LINES",
    "MAX_EVIDENCE",
    "MAX_MILESTONES",
    "MilestoneProposalInput",
    "MilestoneProposalSerializer",
    "NarrativeInput",
    "Private",
    "ReturnInput",
    "SLUG_QUERY",
    "Strict",
    "StrictScheme",
    "TEXT_LIMIT",
    "VersionInput",
    "WRITE_ERRORS",
    "_content_fields",
    "_contributions",
    "_flatten",
    "_merge",
    "_refuse_edit",
    "_refuse_review",
    "_service_errors",
]

"""OpenAPI links: how the answer of one operation gives the parameters of the next (a plan's
slug leads to its measures, a measure's number to its statuses…). Clients and schemathesis's
stateful tests follow them. Added to the generated schema by a drf-spectacular post-processing
hook (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``)."""

FIRST = "$response.body#/results/0/"
SAME_PLAN = {"path.plan": "$request.path.plan"}
PLAN_PARTS = (
    "plans_sections_list",
    "plans_measures_list",
    "plans_rounds_list",
    "plans_statuses_list",
    "plans_assessments_list",
    "plans_budget_lines_list",
    "plans_budget_totals_retrieve",
    "plans_indicators_list",
)

# operationId of the answer → {link name: (operationId of the next request, its parameters)}
LINKS: dict[str, dict[str, tuple[str, dict[str, str]]]] = {
    "plans_list": {"plan": ("plans_retrieve", {"path.plan": FIRST + "slug"})},
    "plans_retrieve": {name: (name, {"path.plan": "$response.body#/slug"}) for name in PLAN_PARTS},
    "plans_measures_list": {
        "measure": ("plans_measures_retrieve", {**SAME_PLAN, "path.number": FIRST + "number"}),
        "statuses": ("plans_statuses_list", {**SAME_PLAN, "query.measure": FIRST + "number"}),
    },
    "plans_measures_retrieve": {
        "budget_lines": (
            "plans_budget_lines_list",
            {**SAME_PLAN, "query.measure": "$response.body#/number"},
        ),
        "assessments": (
            "plans_assessments_list",
            {**SAME_PLAN, "query.measure": "$response.body#/number"},
        ),
    },
    "plans_rounds_list": {
        "round": ("plans_rounds_retrieve", {**SAME_PLAN, "path.round": FIRST + "slug"}),
        "statuses": ("plans_statuses_list", {**SAME_PLAN, "query.round": FIRST + "slug"}),
        "assessments": ("plans_assessments_list", {**SAME_PLAN, "query.round": FIRST + "slug"}),
    },
    "plans_indicators_list": {
        "indicator": ("plans_indicators_retrieve", {**SAME_PLAN, "path.code": FIRST + "code"}),
        "observations": (
            "plans_indicators_observations_list",
            {**SAME_PLAN, "path.code": FIRST + "code"},
        ),
    },
    "plans_indicators_retrieve": {
        "observations": (
            "plans_indicators_observations_list",
            {**SAME_PLAN, "path.code": "$response.body#/code"},
        ),
    },
    "contributions_list": {
        "contribution": ("contributions_retrieve", {"path.id": FIRST + "id"}),
    },
    "contributions_retrieve": {
        name: (name, {"path.id": "$response.body#/id"})
        for name in (
            "contributions_partial_update",
            "contributions_submit_create",
            "contributions_validate_create",
            "contributions_return_create",
        )
    },
}


def add_links(result: dict, generator, request, public) -> dict:
    """Put each link on the 200 answer of its operation."""
    operations = {
        operation["operationId"]: operation
        for item in result.get("paths", {}).values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    for source, links in LINKS.items():
        answer = operations.get(source, {}).get("responses", {}).get("200")
        if answer is None:
            continue
        answer["links"] = {
            name: {"operationId": target, "parameters": parameters}
            for name, (target, parameters) in links.items()
            if target in operations
        }
    return result

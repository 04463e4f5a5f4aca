from rest_framework.pagination import PageNumberPagination

from .queries import MAX_PAGE, MAX_PAGE_SIZE, BadQuery, paging_errors


class Pagination(PageNumberPagination):
    """``?page=N`` and ``?page_size=N`` (1 to 1,000; 100 by default). A page past the last one
    is 404; a page number or size that is not a whole number in range is 400."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    last_page_strings = ()

    def paginate_queryset(self, queryset, request, view=None):
        if errors := paging_errors(request.query_params):
            raise BadQuery(errors)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        # The limits paging_errors checks, so the schema does not promise page=0 works.
        limits = {"page": MAX_PAGE, "page_size": MAX_PAGE_SIZE}
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] in limits:
                parameter["schema"].update(minimum=1, maximum=limits[parameter["name"]])
        return parameters

    def get_paginated_response_schema(self, schema: dict) -> dict:
        # DRF writes OpenAPI 3.0's "nullable"; the schema is OpenAPI 3.1 (JSON Schema types).
        link = {"type": ["string", "null"], "format": "uri"}
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123},
                "next": {**link, "description": "The next page; null on the last."},
                "previous": {**link, "description": "The previous page; null on the first."},
                "results": schema,
            },
        }

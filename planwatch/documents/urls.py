from django.urls import path, register_converter

from . import views


class Word:
    """A lower-case word: the report's kind or format, checked by the view."""

    regex = "[a-z]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(Word, "word")

app_name = "documents"
urlpatterns = [
    path(
        "plans/<slug:plan>/reports/<word:kind>.<word:format>",
        views.report_download,
        name="report",
    ),
]

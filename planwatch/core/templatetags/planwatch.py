from decimal import Decimal

import markdown as markdown_lib
import nh3
from django import forms, template
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from planwatch.lib import figures, money, numbers
from planwatch.lib.i18n import Text, current_language, languages, translated

register = template.Library()


@register.simple_tag
def tr(obj: object, field: str) -> str:
    """A translated field in the page's language, marked when it falls back to another one."""
    return marked(translated(obj, field))


def marked(text: Text) -> str:
    """The text, with its language and "(shown in Dutch)" when it is a fallback."""
    if not text.is_fallback:
        return text.text
    language = get_language_info(text.lang)["name_translated"]
    return format_html(
        '<span lang="{}">{}</span> <span class="fallback">({})</span>',
        text.lang,
        text.text,
        _("shown in %(language)s") % {"language": language},
    )


ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "code",
    "pre",
    "h3",
    "h4",
}


@register.filter
def markdown(text: str | None) -> str:
    """Light formatting for narratives, sanitised: no script or raw HTML survives."""
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"])
    return mark_safe(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes={"a": {"href"}},
            url_schemes={"http", "https", "mailto"},
            link_rel="nofollow noopener",
        )
    )


@register.filter
def field_text(obj: object, field: str) -> str:
    return translated(obj, field).text


@register.filter
def every_language(obj: object, field: str) -> list[tuple[str, str, str]]:
    """Each language's text of a translated field that has one: (code, name, text)."""
    return [
        (lang, get_language_info(lang)["name_translated"], text)
        for lang in languages()
        if (text := getattr(obj, f"{field}_{lang}", None) or "").strip()
    ]


@register.simple_tag
def trmd(obj: object, field: str) -> str:
    """A translated Markdown field, rendered safely, marked when it falls back."""
    text = translated(obj, field)
    html = markdown(text.text)
    if not text.is_fallback:
        return html
    language = get_language_info(text.lang)["name_translated"]
    return format_html(
        '<div lang="{}">{}</div><p class="fallback">({})</p>',
        text.lang,
        html,
        _("shown in %(language)s") % {"language": language},
    )


@register.filter
def euro(amount: Decimal | int | None) -> str:
    """An amount in the page's language (``1 234,56 €`` in French); cents only when there are
    some, never rounded away."""
    if amount is None:
        return ""
    return money.euro(amount)


@register.filter
def number(value: Decimal | int | None) -> str:
    """A number in the page's language, with the decimals it has (``lib/numbers.py``)."""
    return "" if value is None else numbers.number(value)


@register.filter
def percent(value: Decimal | int | None) -> str:
    """A percentage in the page's language: "13%" in Dutch and English, "13 %" in French and
    German (``lib/numbers.py``)."""
    return "" if value is None or value == "" else numbers.percent(value)


@register.filter
def signed(value: Decimal | int | None) -> str:
    """A change with its sign ("+2", "−1,5"), in the page's language."""
    if value is None:
        return ""
    value = Decimal(value)
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return sign + number(abs(value))


@register.filter
def get(mapping: dict, key: str):
    return mapping.get(key) if mapping else None


@register.filter
def cell_amount(cell, nature: str = "") -> str:
    """An amount of a computed budget cell (``reporting.stats.BudgetCell``) with its qualifier,
    or "not reported" when no counted line makes it up: ``{{ row.cell|cell_amount:"specific" }}``
    (no argument: the cell's total)."""
    qualifier = getattr(cell, f"{nature}_qualifier" if nature else "qualifier")
    if not qualifier:
        words = _("not counted") if nature in cell.left_out else _("not reported")
        return format_html('<span class="label">{}</span>', words)
    return figures.qualified(money.euro(getattr(cell, nature or "total")), qualifier)


@register.filter
def qualified(text: str, qualifier: str | None) -> str:
    """A formatted figure with its qualifier: ``{{ line.amount|euro|qualified:line.qualifier }}``
    gives "plus de 79 000 000 €" in French (``lib/figures.py``)."""
    return figures.qualified(str(text), qualifier)


@register.filter
def with_descriptions(field) -> str:
    """A form field's widget tied to its help text and its errors, for screen readers."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    attrs = {"aria-describedby": " ".join(ids)} if ids else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    if type(field.field.widget) is forms.Select:
        return _select(field, attrs)
    return field.as_widget(attrs=attrs)


def _select(field, attrs: dict) -> str:
    """A single-choice select as Django's widget template writes it, without a template per
    option (the measure filters hold hundreds of options)."""
    widget = field.field.widget
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    chosen = set(widget.format_value(field.value()))
    options = []
    for value, label in field.field.choices:
        if isinstance(label, (list, tuple)):  # grouped choices: Django's own template
            return field.as_widget(attrs=attrs)
        value = "" if value is None else str(value)
        options.append(
            format_html(
                '<option value="{}"{}>{}</option>',
                value,
                mark_safe(" selected") if value in chosen else "",
                label,
            )
        )
        if value in chosen:
            chosen = set()  # one selected option, as the widget does
    return format_html(
        '<select name="{}"{}>{}</select>',
        field.html_name,
        flatatt(widget.build_attrs(widget.attrs, attrs)),
        mark_safe("".join(options)),
    )


@register.filter(is_safe=True)
def colon(label: object) -> str:
    """ "Label:" as the page's language writes it; French puts a no-break space before the
    colon ("Date limite :")."""
    return f"{label}\u00a0:" if current_language() == "fr" else f"{label}:"


@register.filter
def split(text: str) -> list[str]:
    return text.split()


@register.simple_tag(takes_context=True)
def form_errors(context) -> list[dict]:
    """Every error of the page's submitted forms and formsets, in page order, for the error
    summary at the top of the page and the "Error:" in its title (the GOV.UK pattern). Each is
    ``{"anchor": the field's id or "", "label": the field's label, "message": …}``.
    Only answers to a POST are looked at: filters sent by GET report their errors in place."""
    request = context.get("request")
    if request is None or request.method != "POST":
        return []
    found: list[dict] = []
    seen: set[int] = set()

    def add_form(form: forms.BaseForm, line: int | None = None) -> None:
        if id(form) in seen or not form.is_bound or not form.errors:
            return
        seen.add(id(form))
        for name, errors in form.errors.items():
            field = form[name] if name in form.fields else None
            visible = field is not None and not field.is_hidden
            label = str(field.label) if visible else ""
            if visible and line is not None:
                label = _("%(label)s, line %(number)s") % {"label": label, "number": line}
            for message in errors:
                found.append(
                    {
                        "anchor": field.id_for_label if visible else "",
                        "label": label,
                        "message": message,
                    }
                )

    for value in context.flatten().values():
        if isinstance(value, forms.BaseForm):
            add_form(value)
        elif isinstance(value, forms.BaseFormSet) and value.is_bound and id(value) not in seen:
            seen.add(id(value))
            if not value.is_valid():
                for message in value.non_form_errors():
                    found.append({"anchor": "", "label": "", "message": message})
                for number, form in enumerate(value.forms, start=1):
                    add_form(form, line=number)
    return found

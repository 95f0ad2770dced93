"""The project's form renderer: Django's own templates, except <select> elements and lists of
radio buttons or checkboxes, whose options are written here in Python.

Django renders every <option> through two template includes (select_option.html, attrs.html),
every radio button through four; a filter form listing the 92 communes of a métropole, the
bodies and the statuses spent about half of the calendar page's time there. The markup produced
is byte for byte the one of Django's templates (tests/core/test_form_renderer.py compares
them); a widget whose options use another template (a custom widget) goes through the templates
as before.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
# radio.html and checkbox_select.html: multiple_input.html.
MULTIPLE_TEMPLATES = (
    "django/forms/widgets/radio.html",
    "django/forms/widgets/checkbox_select.html",
)
INPUT_OPTION_TEMPLATES = (
    "django/forms/widgets/radio_option.html",
    "django/forms/widgets/checkbox_option.html",
)


def _attrs(attrs: dict) -> str:
    """attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{_text(value)}"')
    return "".join(parts)


def _text(value) -> str:
    # {{ value|stringformat:'s' }} under autoescape: str(), escaped unless already safe.
    return conditional_escape(value if isinstance(value, SafeString) else str(value))


def render_select(widget: dict) -> str | None:
    """The select.html markup, or None when an option has a template of its own."""
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            # select_option.html ends with a newline, kept after each option.
            out.append(
                f'\n  <option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _input(widget: dict) -> str:
    """input.html (it ends with a newline)."""
    value = widget["value"]
    value_attr = "" if value is None else f' value="{_text(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{value_attr}{_attrs(widget["attrs"])}>\n'
    )


def _input_option(widget: dict) -> str:
    """radio_option.html / checkbox_option.html: input_option.html and a newline each."""
    if not widget["wrap_label"]:
        return _input(widget) + "\n\n"
    option_id = widget["attrs"].get("id")
    label_for = f' for="{conditional_escape(option_id)}"' if option_id else ""
    return f"<label{label_for}>{_input(widget)} {conditional_escape(widget['label'])}</label>\n\n"


def render_multiple(widget: dict) -> str | None:
    """radio.html / checkbox_select.html (multiple_input.html), or None when an option has a
    template of its own."""
    widget_id = widget["attrs"].get("id")
    widget_class = widget["attrs"].get("class")
    out = ["<div"]
    if widget_id:
        out.append(f' id="{conditional_escape(widget_id)}"')
    if widget_class:
        out.append(f' class="{conditional_escape(widget_class)}"')
    out.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            out.append(f"\n  <div><label>{conditional_escape(group)}</label>")
        for option in options:
            if option["template_name"] not in INPUT_OPTION_TEMPLATES:
                return None
            out.append(f"<div>\n    {_input_option(option)}</div>")
        if group:
            out.append("\n  </div>")
    out.append("\n</div>")  # the renderer strips the templates' final newlines
    return "".join(out)


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name in MULTIPLE_TEMPLATES and "widget" in context:
            html = render_multiple(context["widget"])
            if html is not None:
                return mark_safe(html)  # every value in it is escaped
        if template_name == SELECT_TEMPLATE and "widget" in context:
            html = render_select(context["widget"])
            if html is not None:
                return mark_safe(html)  # every value in it is escaped
        return super().render(template_name, context, request=request)

"""The project's form renderer: Django's own templates, except <select> elements, whose options
are written here in Python.

Django renders every <option> through two template includes (select_option.html, attrs.html);
a filter form listing the 92 communes of a métropole, the bodies and the statuses spent about
half of the calendar page's time there. The markup produced is byte for byte the one of
Django's templates (tests/core/test_form_renderer.py compares them); a select whose options use
another template (a custom widget) goes through the templates as before.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


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


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name == SELECT_TEMPLATE and "widget" in context:
            html = render_select(context["widget"])
            if html is not None:
                return mark_safe(html)  # every value in it is escaped
        return super().render(template_name, context, request=request)

"""The project's form renderer writes <select> elements in Python: the markup must be exactly
Django's, whatever the options hold."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from conferences.browse.filters import SessionFilter
from core.form_renderer import FormRenderer, render_multiple, render_select
from governance.models import Commune
from tests.factories import CommuneFactory


class _Form(forms.Form):
    plain = forms.ChoiceField(choices=[("a", "Alpha"), ("b&c", 'Bêta "&" <gamma>')])
    grouped = forms.ChoiceField(
        choices=[
            ("Est", [("1", "Mulhouse"), ("2", "Rixheim")]),
            ("Ouest", [("3", "Wittenheim")]),
            ("4", "Hors secteur"),
        ]
    )
    several = forms.MultipleChoiceField(choices=[(1, "un"), (2, "deux"), (3, "trois")])
    optional = forms.NullBooleanField()
    radio = forms.ChoiceField(
        choices=[("favorable", "Favorable"), ("r&s", "Avec <réserves>")], widget=forms.RadioSelect
    )
    radio_grouped = forms.ChoiceField(
        choices=[("Avis", [("1", "Oui"), ("2", "Non")]), ("3", "Sans avis")],
        widget=forms.RadioSelect(attrs={"class": "choices"}),
    )
    boxes = forms.MultipleChoiceField(
        choices=[(1, "Barrières"), (2, "Tentes & stands")], widget=forms.CheckboxSelectMultiple
    )
    styled = forms.ChoiceField(
        choices=[("x", mark_safe("<b>sûr</b>"))],
        widget=forms.Select(attrs={"class": "wide", "data-x": 'a"b', "disabled": True}),
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "plain": "b&c",
            "grouped": "2",
            "several": ["1", "3"],
            "optional": "true",
            "radio": "r&s",
            "radio_grouped": "3",
            "boxes": ["1", "2"],
        },
        {"plain": "zz", "grouped": "4", "several": ["2"], "optional": "false", "radio": "x"},
    ],
)
def test_selects_render_exactly_as_django_templates(data):
    ours = _Form(data=data, renderer=FormRenderer())
    django = _Form(data=data, renderer=DjangoTemplates())
    for name in ours.fields:
        assert str(ours[name]) == str(django[name]), name


@pytest.mark.django_db
def test_the_calendar_filter_form_is_unchanged(epci, council):
    odd = CommuneFactory(epci=epci, name="Saint-Louis & <Huningue>")
    CommuneFactory(epci=epci, name="Rixheim")
    params = {"commune": str(odd.pk), "type": "council"}

    def form(renderer):
        filterset = SessionFilter(
            params,
            queryset=None,
            bodies=council.__class__.objects.filter(epci=epci),
            communes=Commune.objects.filter(epci=epci),
        )
        filterset.form.renderer = renderer
        return filterset.form

    html = form(FormRenderer()).as_div()
    assert html == form(DjangoTemplates()).as_div()
    assert f'<option value="{odd.pk}" selected>Saint-Louis &amp; &lt;Huningue&gt;</option>' in html
    assert '<option value="council" selected>' in html


def test_a_form_without_ids_renders_the_same():
    ours = _Form(auto_id=False, renderer=FormRenderer())
    django = _Form(auto_id=False, renderer=DjangoTemplates())
    for name in ours.fields:
        assert str(ours[name]) == str(django[name]), name


def test_a_custom_option_template_falls_back_to_the_templates():
    widget = forms.Select(choices=[("a", "A")]).get_context("f", "a", {})["widget"]
    widget["optgroups"][0][1][0]["template_name"] = "custom/option.html"
    assert render_select(widget) is None
    radios = forms.RadioSelect(choices=[("a", "A")]).get_context("f", "a", {})["widget"]
    radios["optgroups"][0][1][0]["template_name"] = "custom/option.html"
    assert render_multiple(radios) is None

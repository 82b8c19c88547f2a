"""{% form_field %} (imrsite/form_fields.py): every form's field as a user and a screen reader
meet it: the label tied to the control, "(optional)" where a field may stay empty, the error
and the hint tied by id, choices in a fieldset, and nothing a user typed drawn as markup."""

from __future__ import annotations

import pytest
from django import forms
from django.template import Context, Template

# No row is read, but the suite's session fixtures set up the database (the holiday tables).
pytestmark = pytest.mark.django_db


class _Form(forms.Form):
    name = forms.CharField(label="Worker <name>", help_text="As on the DWC form & claim")
    note = forms.CharField(required=False)
    paired = forms.CharField(required=False)
    confirm = forms.BooleanField(label="I confirm", help_text="Required to go on")
    method = forms.ChoiceField(
        choices=[("mail", "Mail"), ("email", "E-mail")],
        widget=forms.RadioSelect,
        help_text="How the notice went",
    )
    record = forms.FileField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Checked with another field: required in practice, so not marked optional.
        self.fields["paired"].looks_required = True


def _draw(field, extra: str = "") -> str:
    template = Template("{% load form_fields %}{% form_field field" + extra + " %}")
    return template.render(Context({"field": field, "lost": "scan<1>.pdf"}))


def _squash(html: str) -> str:
    return " ".join(html.split())


def test_a_text_field_has_its_label_then_the_control_then_its_hint():
    html = _squash(_draw(_Form()["name"]))
    assert html.startswith('<div class="field"> <label class="label" for="id_name">')
    assert "Worker &lt;name&gt;</label>" in html
    assert "(optional)" not in html
    control = html.index('<input type="text" name="name"')
    hint = html.index('<p class="hint" id="id_name_helptext">As on the DWC form &amp; claim</p>')
    assert control < hint
    assert 'aria-describedby="id_name_helptext"' in html


def test_an_optional_field_says_so_unless_it_only_looks_optional():
    assert '<span class="optional">(optional)</span></label>' in _draw(_Form()["note"])
    assert "(optional)" not in _draw(_Form()["paired"])


def test_an_error_is_shown_above_the_control_with_its_id_and_escaped():
    form = _Form(data={"name": ""})
    form.is_valid()
    form.add_error("note", "Not <b>this</b>")
    html = _squash(_draw(form["note"]))
    assert html.startswith('<div class="field field--error">')
    error = (
        '<p class="field-error" id="id_note_error"><span class="visually-hidden">Error: </span>'
        "Not &lt;b&gt;this&lt;/b&gt;</p>"
    )
    assert error in html
    assert html.index(error) < html.index('<input type="text" name="note"')


def test_a_statement_to_attest_reads_as_text_not_as_a_bold_label():
    """From QA: the 130-word no-conflict attestation was all bold, its box halfway down."""
    from reviews.determination.forms import AcceptForm

    assert '<div class="checkbox checkbox--statement">' in _draw(AcceptForm()["attest"])
    assert '<div class="checkbox">' in _draw(_Form()["confirm"])


def test_a_checkbox_comes_before_its_label_with_a_space_between():
    form = _Form(data={})
    form.is_valid()
    html = _draw(form["confirm"])
    assert 'class="field field--error field--checkbox"' in html
    assert '<div class="checkbox">\n<input type="checkbox" name="confirm"' in html
    assert '\n<label for="id_confirm">I confirm</label>\n</div>' in html
    assert '<p class="hint hint--checkbox" id="id_confirm_helptext">Required to go on</p>' in html


def test_choices_are_a_fieldset_named_by_its_legend():
    html = _squash(_draw(_Form()["method"]))
    assert '<fieldset class="choices" aria-describedby="id_method_helptext">' in html
    assert '<legend class="label">Method</legend>' in html
    assert html.count('type="radio"') == 2
    assert '<p class="hint" id="id_method_helptext">How the notice went</p> </fieldset>' in html


def test_a_lost_file_is_named_escaped_and_the_wrapper_takes_extra_classes():
    html = _draw(_Form()["record"], ' dropped=lost css_class="field--pad"')
    assert html.startswith('<div class="field field--pad">')
    assert "You had chosen “scan&lt;1&gt;.pdf”" in html
    assert html.index("You had chosen") < html.index('type="file"')
    assert "You had chosen" not in _draw(_Form()["record"])


def test_choices_with_an_error_and_an_optional_legend_say_both():
    class Choices(forms.Form):
        method = forms.ChoiceField(
            choices=[("mail", "Mail")], widget=forms.RadioSelect, required=False
        )

    form = Choices(data={"method": "fax"})
    form.is_valid()
    html = _squash(_draw(form["method"]))
    assert html.startswith('<div class="field field--error">')
    assert '<legend class="label">Method <span class="optional">(optional)</span></legend>' in html
    error = html.index('<p class="field-error" id="id_method_error">')
    assert html.index("</legend>") < error < html.index('type="radio"')
    assert "Select a valid choice. fax is not one of the available choices." in html
    assert 'aria-describedby="id_method_error"' in html


def test_a_checkbox_error_comes_before_the_box():
    form = _Form(data={})
    form.is_valid()
    html = _draw(form["confirm"])
    error = html.index('<p class="field-error" id="id_confirm_error">')
    assert error < html.index('<div class="checkbox">')
    assert "This field is required." in html

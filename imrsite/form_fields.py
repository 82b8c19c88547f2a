"""`{% form_field field %}`: one form field as every form of the site draws it (label, error,
control, then the hint below, so controls in a row line up). Ids match Django's
aria-describedby ({id}_helptext, {id}_error).

Written in Python, not as an included template: a page of forms draws dozens of fields (the
case page 27), and the included template cost about 0.2 ms a field (issue 12). Registered for
every template as the library `form_fields` (settings.TEMPLATES). tests/test_form_fields.py
checks each kind of field and the escaping."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_OPTIONAL = ' <span class="optional">(optional)</span>'


def _optional(field) -> str:
    """The "(optional)" mark, unless the field is required or only looks it (a field the form
    checks with another, `looks_required`)."""
    if field.field.required or getattr(field.field, "looks_required", False):
        return ""
    return _OPTIONAL


def _error(field) -> str:
    if not field.errors:
        return ""
    error_id = f"{conditional_escape(field.auto_id)}_error"
    if len(field.errors) > 1:
        # Several (one a file of an upload of several): a list, each read on its own.
        items = "".join(f"<li>{conditional_escape(message)}</li>" for message in field.errors)
        return (
            f'<div class="field-error" id="{error_id}"><span class="visually-hidden">Errors: '
            f'</span><ul class="field-error__list">{items}</ul></div>'
        )
    return (
        f'<p class="field-error" id="{error_id}">'
        f'<span class="visually-hidden">Error: </span>{conditional_escape(field.errors[0])}</p>'
    )


def _hint(field, extra_class: str = "") -> str:
    if not field.help_text:
        return ""
    return (
        f'<p class="hint{extra_class}" id="{conditional_escape(field.auto_id)}_helptext">'
        f"{conditional_escape(field.help_text)}</p>"
    )


@register.simple_tag
def form_field(field, dropped: str = "", css_class: str = "") -> SafeString:
    """The field in its wrapper. `dropped` names a file the browser lost when the form came
    back (it asks for the file again); `css_class` adds classes to the wrapper."""
    classes = ["field"]
    if field.errors:
        classes.append("field--error")
    checkbox = field.widget_type == "checkbox"
    if checkbox:
        classes.append("field--checkbox")
    if css_class:
        classes.append(conditional_escape(css_class))
    label = conditional_escape(field.label)
    # Parts on lines of their own, as the template drew them: the white space between a
    # checkbox and its label is a visible space.
    if field.use_fieldset:
        described = field.aria_describedby
        described_by = format_html(' aria-describedby="{}"', described) if described else ""
        parts = [
            f'<fieldset class="choices"{described_by}>',
            f'<legend class="label">{label}{_optional(field)}</legend>',
            _error(field),
            str(field),
            _hint(field),
            "</fieldset>",
        ]
    elif checkbox:
        # A statement ticked to attest it (the no-conflict attestation, 130 words: its field's
        # `statement`) reads as text, not as a bold label (from QA: hard to read, the box
        # halfway down).
        statement = " checkbox--statement" if getattr(field.field, "statement", False) else ""
        parts = [
            _error(field),
            f'<div class="checkbox{statement}">',
            str(field),
            f'<label for="{conditional_escape(field.id_for_label)}">{label}</label>',
            "</div>",
            _hint(field, " hint--checkbox"),
        ]
    else:
        lost = (
            format_html(
                '<p class="field-note">You had chosen “{}”. A browser cannot keep a chosen '
                "file when the form comes back: choose the file again.</p>",
                dropped,
            )
            if dropped
            else ""
        )
        parts = [
            f'<label class="label" for="{conditional_escape(field.id_for_label)}">'
            f"{label}{_optional(field)}</label>",
            _error(field),
            lost,
            str(field),
            _hint(field),
        ]
    inner = "\n".join(part for part in parts if part)
    return mark_safe(f'<div class="{" ".join(classes)}">\n{inner}\n</div>')

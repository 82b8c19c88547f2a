"""How form widgets are drawn: Django's own widget templates through Jinja2, the admin's through
Django templates.

A page of forms (the case page draws 27 fields) spent about a third of its template time in
the widget templates under Django's template engine; Django ships the same templates for
Jinja2, which draws them several times faster with the same markup (issue 12: this change
alone took the case page from 28.5 to 24.5 ms at 200,000 cases). The admin's widgets
(related-object wrappers, date pickers) exist only as Django templates, so a name Jinja2 does
not have is drawn by Django's engine, as the default renderer would."""

from __future__ import annotations

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class WidgetRenderer(BaseRenderer):
    """FORM_RENDERER: Jinja2 for what it has (django/forms/jinja2), Django templates after."""

    def __init__(self):
        self.jinja2 = Jinja2()
        self.django = DjangoTemplates()

    def get_template(self, template_name):
        try:
            return self.jinja2.get_template(template_name)
        except TemplateDoesNotExist:
            return self.django.get_template(template_name)

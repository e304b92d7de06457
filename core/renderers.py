"""The project's form renderer (settings.FORM_RENDERER).

Form and widget templates are looked up through TEMPLATES, so templates/ can override them, and
every field renders with templates/forms/field.html: a template writes
`{{ form.title.as_field_group }}` and gets the label, the widget, its error and its help text.
"""

from django.forms.renderers import TemplatesSetting


class TandemFormRenderer(TemplatesSetting):
    field_template_name = "forms/field.html"

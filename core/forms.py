"""Form fields shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, but an id too large for the database is an invalid choice: on SQLite the
    `__in` check raises OverflowError (a 500) instead (found by tests/security/test_bad_input)."""

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_pk_value"],
                code="invalid_pk_value",
                params={"pk": "…"},
            ) from None


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date-and-time picker (``<input type="datetime-local">``)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def apply_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the error names one of
    the form's fields, otherwise at the top of the form. What the user typed stays in the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)

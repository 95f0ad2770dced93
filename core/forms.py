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


def validate_single_line(value: str) -> None:
    """For a text that becomes a mail subject: a header holds one line (RFC 5322 section 2.2),
    and a line break there is how headers are injected. A text input cannot type one, a forged
    POST can; refused here, where the user can still correct it."""
    if len(value.splitlines()) > 1:
        raise ValidationError(
            "Saisissez ce texte sur une seule ligne, sans retour à la ligne.", code="multiline"
        )


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

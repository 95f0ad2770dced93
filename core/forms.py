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

"""What every forum form shares."""

from django.core.exceptions import ValidationError


class ServiceErrorsMixin:
    """Show a service's ValidationError on the form: under its field when the
    form has one of that name, above the form otherwise."""

    def add_service_errors(self, error: ValidationError):
        if hasattr(error, "error_dict"):
            for field, errors in error.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error.messages)

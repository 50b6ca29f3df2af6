import logging

from allauth.account.adapter import DefaultAccountAdapter

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by administrators only: nobody signs up on their own."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """A message the mail server does not take (down, refusing, timing out: all OSError) is logged and the
        page goes on: the password reset answers "if the address exists we sent a message" either way, so
        the failure tells an anonymous visitor nothing. The log line names the error but carries no
        traceback, whose frames hold the reset link for any error tracker that records local variables."""
        try:
            super().send_mail(template_prefix, email, context)
        except OSError as error:
            logger.error("E-mail %s non inviata (%s: %s)", template_prefix, type(error).__name__, error)

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .second_factor import SESSION_HAS_DEVICE, has_authenticator
from .sessions import session_signed_in


@receiver(user_logged_in, dispatch_uid="signin.signed_in")
def signed_in(sender, request, user, **kwargs):
    """A password sign-in: the session becomes the account's latest, and notes whether a second factor follows."""
    if request is None or not hasattr(request, "session"):
        return
    session_signed_in(request=request, user=user)
    request.session[SESSION_HAS_DEVICE] = has_authenticator(user)

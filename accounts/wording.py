"""One wording for signing up and logging in, in Indonesian.

The forms come from Django and django-allauth, whose Indonesian catalogs mix "sandi" and
"kata sandi", "anda" and "Anda", "E-mail" and "email", "mengkonfirmasi" and
"mengonfirmasi". The strings a fan meets are marked here so that this app's catalog
(which comes first in INSTALLED_APPS, so it wins) gives them one voice: "kata sandi
Anda", "email", "mengonfirmasi".
"""

from django.utils.translation import gettext_noop

ACCOUNT_STRINGS = (
    gettext_noop("Password"),
    gettext_noop("Email"),
    gettext_noop("Email address"),
    gettext_noop("Remember Me"),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("The email address and/or password you specified are not correct."),
    gettext_noop("A user is already registered with this email address."),
    gettext_noop("Verify Your Email Address"),
    gettext_noop(
        "We have sent an email to you for verification. Follow the link provided to "
        "finalize the signup process. If you do not see the verification email in your "
        "main inbox, check your spam folder. Please contact us if you do not receive the "
        "verification email within a few minutes."
    ),
    gettext_noop("Please Confirm Your Email Address"),
    gettext_noop("Confirm Email Address"),
    gettext_noop(
        'Please confirm that <a href="mailto:%(email)s">%(email)s</a> is an email address '
        "for user %(user_display)s."
    ),
    gettext_noop("You have confirmed %(email)s."),
    gettext_noop("Confirmation email sent to %(email)s."),
    gettext_noop("Your email has been confirmed."),
    gettext_noop("Email Addresses"),
    gettext_noop("The following email addresses are associated with your account:"),
    gettext_noop("Add Email Address"),
    gettext_noop("Add Email"),
    gettext_noop(
        "We have sent you an e-mail. Please contact us if you do not receive it within a "
        "few minutes."
    ),
    gettext_noop("The two password fields didn’t match."),
    gettext_noop("You must type the same password each time."),
    gettext_noop("Current Password"),
    gettext_noop("New Password"),
    gettext_noop("New Password (again)"),
    gettext_noop("Password successfully changed."),
)

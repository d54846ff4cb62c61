"""The Jinja2 environment of the hottest pages (``templates/jinja2/``, ``<app>/jinja2/``).

Jinja2 compiles a template to Python: the home and product pages render several times
faster than with Django's engine (bench/forum/README.md, "In-process page times");
every other page stays on Django's templates. Autoescaping is on. Translations come
from Django's catalogs: ``{{ _("Search") }}``, or with placeholders
``{{ _("Page %(n)s of %(total)s")|format(n=n, total=total) }}`` (values escaped), which
``makemessages`` extracts like ``{% translate %}``. It does not see ``ngettext`` in a
template: a plural is translated in Python and passed in.
"""

from django.template.defaultfilters import date
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.timezone import template_localtime
from jinja2 import Environment
from markupsafe import Markup

from forum.templatetags.forum_tags import author_name


def environment(**options) -> Environment:
    options["autoescape"] = True
    env = Environment(keep_trailing_newline=True, **options)  # noqa: S701 (just above)
    env.globals.update(
        # Our catalogs' translations are markup as written, like {% translate %}'s.
        _=lambda message: Markup(translation.gettext(message)),  # noqa: S704
        ngettext=lambda singular, plural, n: Markup(  # noqa: S704
            translation.ngettext(singular, plural, n)
        ),
        static=static,
        url=lambda name, *args: reverse(name, args=args),
    )
    env.filters.update(
        author_name=author_name,
        # Like Django's |date: in the reader's time zone and language.
        date=lambda value, arg=None: date(template_localtime(value), arg),
        language_name_local=lambda code: translation.get_language_info(code)["name_local"],
    )
    return env

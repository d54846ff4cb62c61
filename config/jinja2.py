"""The Jinja2 environment of the hottest pages (``templates/jinja2/``, ``<app>/jinja2/``).

Jinja2 compiles a template to Python: the home, product, thread and search pages render several
times faster than with Django's engine (bench/forum/README.md, "In-process page times");
every other page stays on Django's templates. Autoescaping is on. Translations come
from Django's catalogs: ``{{ _("Search") }}``, or with placeholders
``{{ _("Page %(n)s of %(total)s")|format(n=n, total=total) }}`` (values escaped), which
``makemessages`` extracts like ``{% translate %}``. It does not see ``ngettext`` in a
template: a plural is translated in Python and passed in.
"""

from functools import lru_cache

from django.conf import settings
from django.middleware.csrf import get_token
from django.template.defaultfilters import date
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.timezone import template_localtime
from jinja2 import Environment
from markupsafe import Markup

from forum.templatetags.forum_tags import author_name


@lru_cache(maxsize=8192)
def _reverse(prefix: str, urlconf: str, name: str, args: tuple) -> str:
    return reverse(name, urlconf=urlconf, args=args)


def url(name: str, *args) -> str:
    """``{{ url("forum:thread", thread.pk) }}``: reversed once per process (a page asks
    for the same few URLs every time; reversing costs more than rendering them)."""
    return _reverse(get_script_prefix(), get_urlconf(settings.ROOT_URLCONF), name, args)


class CsrfInput:
    """The CSRF field of a page's forms, made when first shown and then the same on every
    form of the page, as ``{% csrf_token %}`` is on Django's pages. Django's Jinja2 backend
    masks a new token at each ``{{ csrf_input }}`` (five forms on a signed-in thread page);
    a page that shows none sets no CSRF cookie."""

    def __init__(self, request):
        self.request = request
        self.html: Markup | None = None

    def __html__(self) -> Markup:
        if self.html is None:
            field = Markup('<input type="hidden" name="csrfmiddlewaretoken" value="%s">')
            self.html = field % get_token(self.request)
        return self.html

    __str__ = __html__


def csrf(request) -> dict:
    """Context processor of the Jinja2 pages: ``csrf_input`` made once a page."""
    return {"csrf_input": CsrfInput(request)}


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
        url=url,
    )
    env.filters.update(
        author_name=author_name,
        # Like Django's |date: in the reader's time zone and language.
        date=lambda value, arg=None: date(template_localtime(value), arg),
        language_name_local=lambda code: translation.get_language_info(code)["name_local"],
    )
    return env

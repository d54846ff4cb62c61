"""What other apps show on a person's public page: each registers a section, accounts
renders them in order, knowing nothing of what they hold (the forum adds the person's
threads)."""

from collections.abc import Callable

from django.http import HttpRequest

from accounts.models import User

# ``section(request, person)`` returns the section's HTML, already escaped (e.g. from
# render_to_string).
Section = Callable[[HttpRequest, User], str]

_sections: list[Section] = []


def add_section(section: Section) -> None:
    """Show ``section`` on every public profile page, after those added before it."""
    if section not in _sections:
        _sections.append(section)


def sections(request: HttpRequest, person: User) -> list[str]:
    """The HTML of every registered section for ``person``'s page."""
    return [section(request, person) for section in _sections]

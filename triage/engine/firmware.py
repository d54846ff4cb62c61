"""Which firmware comes later: the order the regression check reads versions in."""

from __future__ import annotations

import re

from triage.engine.normalize import parse_firmware

_VERSION = re.compile(r"\d+(?:\.\d+)+")


def _version(text: str) -> tuple[str, tuple[int, ...]] | None:
    """(family, numbers) of a firmware string the engine knows, else of its first
    dotted number ("2.0.5"); None when it holds no version at all."""
    parts = parse_firmware(text)
    if parts is not None:
        return parts.family, tuple(int(x) for x in re.findall(r"\d+", parts.version))
    match = _VERSION.search(text)
    return ("", tuple(int(x) for x in match.group(0).split("."))) if match else None


def firmware_at_or_after(firmware: str, fixed_in: str) -> bool:
    """Is ``firmware`` the version ``fixed_in`` names, or later? False when unknown, or
    when the two belong to different families (HyperOS against One UI)."""
    mine, fixed = _version(firmware or ""), _version(fixed_in or "")
    if not mine or not fixed or (mine[0] and fixed[0] and mine[0] != fixed[0]):
        return False
    return mine[1] >= fixed[1]

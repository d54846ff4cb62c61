"""Which phone a fan is posting from: the model number the browser tells, and the
devices saved in their profile, matched against the catalog's model numbers.

Android browsers name the model in the User-Agent ("Android 14; 23117RA68G Build/...")
or, where the User-Agent is reduced to "Android 10; K", in the ``Sec-CH-UA-Model`` client
hint, which the browser sends once the page asked for it (``ACCEPT_CH``). iPhones tell no
model. A guess only pre-selects the device: the fan can always change it.
"""

import re

# Response header value that asks a browser for the model hint on its next requests.
ACCEPT_CH = "Sec-CH-UA-Model"
_UA_MODEL = re.compile(r"Android [\d.]+; (?:[a-z]{2}[-_][a-z]{2}; )?([^;)]+?)(?: Build/|\))", re.I)
# Placeholders browsers send instead of a model ("K" in Chrome's reduced User-Agent).
_NOT_A_MODEL = {"K", "MOBILE", "WV", ""}


def model_key(model: str) -> str:
    """A model number compared loosely: upper case, without spaces or a Samsung "SM-"."""
    key = re.sub(r"[\s\"]", "", model or "").upper()
    return key.removeprefix("SM-")


def browser_model(headers) -> str:
    """The model number the browser tells (client hint first, then User-Agent), or ""."""
    hint = model_key(headers.get("Sec-CH-UA-Model", ""))
    if hint and hint not in _NOT_A_MODEL:
        return hint
    match = _UA_MODEL.search(headers.get("User-Agent", ""))
    model = model_key(match.group(1)) if match else ""
    return "" if model in _NOT_A_MODEL else model


def guess_product(*, model: str, products, saved_ids: list[int]) -> int | None:
    """The product to pre-select: the browser's model (preferring a saved device that
    matches it), else the fan's only saved device. ``products`` are (id, model) pairs."""
    if model:
        matching = [pk for pk, number in products if number and model_key(number) == model]
        for pk in matching:
            if pk in saved_ids:
                return pk
        if matching:
            return matching[0]
    return saved_ids[0] if len(saved_ids) == 1 else None

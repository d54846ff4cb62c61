"""What the fans' browser tests share: signing in on the phone, screenshots, and the
measurement of a page at 390 px (no sideways scrolling, a one-line header, every touch
target at least 44 x 44 px)."""

from playwright.sync_api import expect

PASSWORD = "correct horse battery"  # the factories' password
MIN_TARGET = 44

# Every visible link, button and field; a radio or checkbox is measured by its label
# (the whole label toggles it). Links inside a post's own text are words in a sentence
# (WCAG 2.5.8's "inline" exception), and so are links in running help text.
MEASURE = """
() => {
  const small = [];
  const seen = new Set();
  for (const el of document.querySelectorAll("a, button, input, select, textarea")) {
    if (el.type === "hidden" || el.closest(".body, .preview, p.muted, .help")) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") continue;
    let target = el;
    if (el.type === "radio" || el.type === "checkbox") target = el.closest("label") || el;
    const box = target.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // not shown (hidden parent)
    if (box.width <= 1 || box.height <= 1) continue;  // visually hidden (skip link)
    if (seen.has(target)) continue;
    seen.add(target);
    if (box.width < 44 || box.height < 44) {
      const name = (target.innerText || target.value || target.name || target.type || "").trim();
      const size = `${Math.round(box.width)}x${Math.round(box.height)}`;
      small.push(`${target.tagName.toLowerCase()} "${name.slice(0, 30)}" ${size}`);
    }
  }
  return small;
}
"""


def log_in(page, base, email):
    """Sign in through the login form, as a fan does."""
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    expect(page.locator(".nav-user")).to_be_visible()


def shot(page, artifacts_dir, name):
    """A full-page screenshot under test-artifacts/, to look at."""
    page.screenshot(path=str(artifacts_dir / f"fans-{name}.png"), full_page=True)


def check_phone_layout(page, name: str) -> None:
    """The page fits 390 px, its header is one line, and no target is under 44 x 44."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name}: {width}px wide"
    header = page.locator(".site-header .bar").bounding_box()
    assert header["height"] <= 56, f"{name}: the header wraps ({header['height']}px high)"
    small = page.evaluate(MEASURE)
    assert not small, f"{name}: touch targets under {MIN_TARGET}px: {small}"

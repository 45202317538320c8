"""What every real-browser test shares: Debian's chromium, its headless flags, and a canvas probe
that tells whether Hangul glyphs render (a CJK font is installed)."""

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

#: two distinct Hangul syllables drawn with the page's font: equal pixels mean tofu boxes
HANGUL_GLYPHS_JS = """() => {
  const c = document.createElement('canvas');
  c.width = 64; c.height = 64;
  const g = c.getContext('2d');
  g.font = '40px ' + getComputedStyle(document.body).fontFamily;
  const draw = t => { g.clearRect(0, 0, 64, 64); g.fillText(t, 4, 48);
                      return Array.from(g.getImageData(0, 0, 64, 64).data).join(','); };
  return [draw('가'), draw('집')];
}"""


def open_offline(browser, path, width: int = 1200, height: int = 900):
    """Open the local file ``path`` in a fresh context that lets only ``file:``/``data:`` through.
    Returns ``(context, page, requested, blocked, errors)``: every URL asked for, the ones refused
    (a report must need none) and the console/page errors, for the caller to assert on."""
    context = browser.new_context(viewport={"width": width, "height": height}, service_workers="block")
    page = context.new_page()
    requested, blocked, errors = [], [], []
    page.on("request", lambda r: requested.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.goto(path.resolve().as_uri(), wait_until="load")
    return context, page, requested, blocked, errors

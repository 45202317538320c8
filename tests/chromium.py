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

"""Look at an HTML page in headless Chromium: a screenshot, and measurements taken by a script
the page runs in the real browser (its width against the viewport, the rendered size of every
SVG text), read back through `--dump-dom`.

Chromium is installed by `.ci/run`; without it the tests that need it skip, saying why."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from html import unescape as html_unescape
from pathlib import Path

import pytest

CHROMIUM = next(
    (path for name in ("chromium", "chromium-browser", "google-chrome") if (path := shutil.which(name))), None
)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="needs chromium (`apt-get install chromium`)")
DESKTOP = (1280, 900)
PHONE = (390, 844)

# Runs in the page once it has laid out; writes what it measured into an element the dumped DOM
# carries. An SVG text's size on screen is its font size times the SVG's scale on the page.
_MEASURE = """
<script>
window.addEventListener("load", () => {
  const texts = [...document.querySelectorAll("svg text")].map((text) => {
    const svg = text.ownerSVGElement;
    const ctm = text.getScreenCTM();
    const size = parseFloat(getComputedStyle(text).fontSize);
    const edge = !!text.closest("g.edge");
    return {text: text.textContent, px: size * (ctm ? ctm.a : 1), edge: edge};
  });
  const out = document.createElement("pre");
  out.id = "mlsd-measured";
  out.textContent = JSON.stringify({
    viewport: window.innerWidth,
    page: document.documentElement.scrollWidth,
    main: document.querySelector("main") ? document.querySelector("main").scrollWidth : 0,
    texts: texts,
    body_px: parseFloat(getComputedStyle(document.body).fontSize),
  });
  document.body.appendChild(out);
  parent.postMessage(out.textContent, "*");
});
</script>
"""
# Headless Chromium's window is at least 500 px wide, so a page is shown in a frame of the
# size asked for; the frame's page posts its measurement up to this one.
_FRAME = """<!doctype html><html><body style="margin:0">
<iframe src="{src}" style="width:{width}px;height:{height}px;border:0;display:block"></iframe>
<script>
window.addEventListener("message", (event) => {{
  const out = document.createElement("pre");
  out.id = "mlsd-measured";
  out.textContent = event.data;
  document.body.appendChild(out);
}});
</script></body></html>
"""


@dataclass(frozen=True)
class Measured:
    viewport: int
    page: int  # the document's scroll width: wider than the viewport means sideways scrolling
    texts: list[dict[str, object]]
    body_px: float

    def smallest(self, edge_only: bool = False) -> float:
        sizes = [float(str(t["px"])) for t in self.texts if t["edge"] or not edge_only]
        return min(sizes, default=float("inf"))


def _chromium(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _framed(page: Path, size: tuple[int, int]) -> tuple[Path, str]:
    frame = page.with_name(f"{page.stem}-frame-{size[0]}.html")
    frame.write_text(_FRAME.format(src=page.name, width=size[0], height=size[1]), encoding="utf-8")
    return frame, f"--window-size={max(500, size[0])},{size[1]}"


def look(html: str, size: tuple[int, int], work: Path, picture: Path | None = None) -> Measured:
    """Open `html` in a frame of `size`, measure it in the browser and, given `picture`, save a
    screenshot of it there: one browser run."""
    page = work / f"look-{size[0]}.html"
    page.write_text(html.replace("</body>", _MEASURE + "</body>"), encoding="utf-8")
    frame, window = _framed(page, size)
    shot = [f"--screenshot={picture}"] if picture else []
    result = _chromium(window, "--virtual-time-budget=5000", *shot, "--dump-dom", frame.as_uri())
    start = result.stdout.find('<pre id="mlsd-measured">')
    assert start >= 0, f"the page did not run its measurement: {result.stderr[-2000:]}"
    body = result.stdout[start + len('<pre id="mlsd-measured">') : result.stdout.index("</pre>", start)]
    data = json.loads(html_unescape(body))
    if picture:
        assert picture.exists() and picture.stat().st_size > 1000, result.stderr[-2000:]
    return Measured(data["viewport"], data["page"], data["texts"], data["body_px"])

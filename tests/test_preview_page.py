"""The preview page in a real browser (Debian's chromium, headless) and without one: math as
MathML, filters that apply to the list and to the one-card view, chapters in natural order, and
no control on the page when JavaScript is off."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli_notes import make_notes
from notedeck.commands.cli import main
from notedeck.commands.mathml import render_math

MATH_NOTES = {
    "cooking/ch10-sauces.md": """---
book: Cooking Basics
chapter: 10
---

# Sauces

A **roux** is flour cooked in fat in the ratio $\\frac{1}{2}$ by weight, the base of a béchamel.

Volume of a reduction after boiling for t minutes::$$V_t = V_0 e^{-kt}$$
""",
}


class Dom(HTMLParser):
    """What the tests read from a page or a browser's DOM dump."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.cards: list[dict] = []
        self.controls: list[tuple[str, bool]] = []  # (tag, inside something hidden)
        self.root_class = ""
        self.counter = ""
        self.toc_links: list[str] = []
        self.h3: list[str] = []
        self._stack: list[tuple[str, bool]] = []
        self._in: str | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attr = dict(attrs)
        hidden = "hidden" in attr or bool(self._stack and self._stack[-1][1])
        if tag not in ("meta", "input", "br", "hr", "img", "option"):
            self._stack.append((tag, hidden))
        if tag == "html":
            self.root_class = attr.get("class") or ""
        if tag == "article":
            self.cards.append({**attr, "hidden": hidden, "text": ""})
        if tag in ("select", "input", "button"):
            self.controls.append((tag, hidden))
        if tag == "a" and self._stack[-2:-1] and self._in == "toc":
            self.toc_links.append(attr.get("href", ""))
        if tag == "ul" and attr.get("class") == "toc":
            self._in = "toc"
        if tag == "span" and attr.get("id") == "counter":
            self._in = "counter"
        if tag == "h3":
            self._in = "h3"

    def handle_endtag(self, tag):
        while any(t == tag for t, _ in self._stack):
            if self._stack.pop()[0] == tag:
                break
        if tag in ("ul", "span", "h3"):
            self._in = None if self._in != "toc" or tag == "ul" else self._in

    def handle_data(self, data):
        if self._in == "counter":
            self.counter += data
        elif self._in == "h3":
            self.h3.append(data.strip())
        if self.cards and any(t == "article" for t, _ in self._stack):
            self.cards[-1]["text"] += data


@pytest.fixture
def page(tmp_path) -> Path:
    notes = make_notes(tmp_path)
    for rel, text in MATH_NOTES.items():
        (notes / rel).write_text(text, encoding="utf-8")
    out = tmp_path / "cards.html"
    result = CliRunner().invoke(main, ["preview", str(notes), "--html", str(out), "-q"])
    assert result.exit_code == 0, result.output
    return out


# ---------------------------------------------------------------- the page itself


def test_math_is_mathml_and_chapters_are_in_natural_order(page):
    text = page.read_text(encoding="utf-8")
    dom = Dom(text)
    roux = next(c for c in dom.cards if "roux" in c["text"])
    assert "\\frac" not in roux["text"] and "\\(" not in text
    assert '<math display="inline"><mrow><mfrac><mrow><mn>1</mn>' in text
    assert '<math display="block">' in text
    assert "http://" not in text  # no xmlns URL either: the HTML parser knows <math>
    assert dom.h3.index("Chapter 2") < dom.h3.index("Chapter 10")


def test_without_javascript_there_is_no_dead_control(page):
    dom = Dom(page.read_text(encoding="utf-8"))
    assert dom.controls and all(hidden for _, hidden in dom.controls)
    assert dom.toc_links and all(link.startswith("#") for link in dom.toc_links)
    assert not any(card["hidden"] for card in dom.cards)


def test_math_conversion_is_sanitised_and_leaves_code_alone():
    evil = render_math("\\(\\text{<img src=x onerror=alert(1)>}\\) \\(x\\)")
    assert "<img" not in evil and "onerror" not in evil and "<mi>x</mi>" in evil
    code = '<pre><code>re.compile(r"\\(x\\)")</code></pre> and \\(y\\)'
    kept = render_math(code)
    assert kept.startswith('<pre><code>re.compile(r"\\(x\\)")</code></pre>')
    assert "<mi>y</mi>" in kept
    assert render_math("\\(\\begin{nonsense}\\)") == "\\(\\begin{nonsense}\\)"


# ---------------------------------------------------------------- in a real browser


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.skip(
            "chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)"
        )
    return found


def dump_dom(page: Path, fragment: str, tmp_path: Path, javascript: bool = True) -> Dom:
    """The page's DOM after load, as headless chromium sees it (no network, a fresh profile)."""
    profile = tmp_path / f"profile-{javascript}-{abs(hash(fragment))}"
    if not javascript:  # JavaScript blocked as a user's setting: the page's own script never runs
        (profile / "Default").mkdir(parents=True)
        (profile / "Default" / "Preferences").write_text(
            '{"profile": {"default_content_setting_values": {"javascript": 2}}}'
        )
    result = subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--dump-dom",
            page.as_uri() + fragment,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and "<html" in result.stdout, result.stderr[-2000:]
    return Dom(result.stdout)


def test_in_a_browser_the_filters_apply_to_the_list(page, tmp_path):
    dom = dump_dom(page, "#kind=definition&view=list", tmp_path)
    assert "flip" not in dom.root_class.split()  # the list view, as the address asked
    assert not any(hidden for _, hidden in dom.controls if _ == "select")
    shown = [c for c in dom.cards if not c["hidden"]]
    assert shown and {c["data-kind"] for c in shown} == {"definition"}
    assert len(shown) < len(dom.cards)
    assert dom.counter == f"{len(shown)} of {len(dom.cards)} cards"


def test_in_a_browser_the_search_picks_one_card_to_flip(page, tmp_path):
    dom = dump_dom(page, "#q=roux", tmp_path)
    assert "flip" in dom.root_class.split()
    shown = [c for c in dom.cards if not c["hidden"]]
    assert len(shown) == 1 and "current" in shown[0]["class"].split()
    assert dom.counter == "1 / 1"
    assert "mfrac" not in shown[0]["text"]  # MathML elements, not text


def test_in_a_browser_without_javascript_it_is_a_plain_list(page, tmp_path):
    dom = dump_dom(page, "#kind=table", tmp_path, javascript=False)
    assert "flip" not in dom.root_class.split() and dom.counter == ""
    assert all(hidden for _, hidden in dom.controls)
    assert not any(c["hidden"] for c in dom.cards)  # every card, answers shown

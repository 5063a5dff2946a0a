"""Rendering checked in the real Anki engine: formatting, math, code, sanitising, media."""

from __future__ import annotations

import base64
import os
import re

import pytest

from deckcheck import all_html, build_and_import, media_map, one
from notedeck.build.package.apkg import CSS
from notedeck.build.render.card import markdown_to_html

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)

FORMATTING = """\
    ---
    book: Render Book
    chapter: 2
    ---
    # Formatting

    **Idempotence** is the property that running an operation *twice* has the same effect as
    running it once, like `PUT /items/1`; see [the RFC](https://www.rfc-editor.org/rfc/rfc9110).

    What are the layers of the lambda architecture?
    ?
    - batch layer, with **two** parts:
      - master dataset
      - batch views
    - speed layer

    Which storage formats compare how?
    ?
    | Format | Layout |
    |:-------|-------:|
    | Parquet | columnar |
    | Avro | row |

    How do you write a generator in Python?
    ?
    ```python
    def count(price="$5"):
        yield 1  # $not math$
    ```

    ## Math

    Kinetic energy::$E_k = \\frac{1}{2} m v^2$ and it went from $5 and $10 to $15, `echo $HOME` too

    Gaussian integral
    ?
    $$
    \\int_{-\\infty}^{\\infty} e^{-x^2} dx = \\sqrt{\\pi}
    $$

    Mass-energy::$$E = mc^2$$ (display math inline)
"""


@pytest.fixture
def formatted(notes_tree, anki_collection):
    root = notes_tree({"ch2.md": FORMATTING})
    report, cards = build_and_import(root, anki_collection)
    assert not report.errors
    return cards


def test_rendered_html_keeps_formatting(formatted):
    card = one(formatted, "dempotence")
    assert "<strong>Idempotence</strong>" in card.answer
    assert "<em>twice</em>" in card.answer
    assert "<code>PUT /items/1</code>" in card.answer
    assert 'href="https://www.rfc-editor.org/rfc/rfc9110"' in card.answer

    nested = one(formatted, "layers of the lambda").answer
    assert re.search(
        r"<li>batch layer, with <strong>two</strong> parts:\s*<ul>\s*<li>master dataset</li>",
        nested,
    )
    assert "<li>speed layer</li>" in nested

    table = one(formatted, "storage formats").answer
    assert "<table>" in table and '<th style="text-align:left">Format</th>' in table
    assert '<td style="text-align:right">columnar</td>' in table


def test_code_is_highlighted_inline_without_network(formatted):
    answer = one(formatted, "generator").answer
    assert '<pre class="nd-code" style="background-color:' in answer
    assert re.search(r'<span style="color:#[0-9A-Fa-f]{3,6}[^"]*">def</span>', answer)
    assert "$not math$" in answer and '"$5"' in answer  # dollars in code are never math
    assert "\\(" not in answer
    assert "<link" not in answer and "http" not in answer.split("nd-source")[0]


def test_math_becomes_mathjax_and_prices_stay(formatted):
    kinetic = one(formatted, "Kinetic energy")
    assert "\\(E_k = \\frac{1}{2} m v^2\\)" in kinetic.answer
    assert "from $5 and $10 to $15" in kinetic.answer
    assert "<code>echo $HOME</code>" in kinetic.answer
    block = one(formatted, "Gaussian integral").answer
    assert "\\[\\int_{-\\infty}^{\\infty} e^{-x^2} dx = \\sqrt{\\pi}\\]" in block
    assert "\\[E = mc^2\\]" in one(formatted, "Mass-energy").answer


def test_breadcrumb_sits_small_above_the_question(formatted, anki_collection):
    card = one(formatted, "dempotence")
    context = '<div class="nd-context">Render Book › Chapter 2 › Formatting</div>'
    assert card.question.startswith(context)
    assert card.question.index("nd-context") < card.question.index("nd-question")
    assert card.fields["Context"] == "Render Book › Chapter 2 › Formatting"
    assert card.fields["Source"] == "ch2.md:7" and "ch2.md:7" in card.answer
    css = anki_collection.col.models.by_name("notedeck Basic")["css"]
    assert css == CSS  # the note type in Anki carries notedeck's style
    assert re.search(r"\.nd-context \{[^}]*font-size: 0\.\d+em", css)
    assert ".card.nightMode" in css and ".nightMode .nd-context" in css


XSS = """\
    ---
    book: Evil Book
    ---
    # Attacks

    **Cross-site scripting** is <script>alert('x')</script> an attack
    <img src="x.png" onerror="alert('img')"> where <b onclick="steal()">input</b> runs as code,
    see [this link](javascript:alert('link')) and [that one](JAVASCRIPT:alert(1)).

    <script>
    document.location = "https://evil.example/";
    </script>

    What does a template like List<String> mean?
    ?
    A list of strings<br>in Java, <iframe src="https://evil.example"></iframe>with <u>generics</u>.
"""


def test_scripts_handlers_and_javascript_links_never_reach_a_card(notes_tree, anki_collection):
    root = notes_tree({"evil.md": XSS})
    report, cards = build_and_import(root, anki_collection)
    html = all_html(cards)
    assert len(cards) == 2
    for needle in (
        "<script",
        "alert(",
        "onerror",
        "onclick",
        "javascript:",
        "JAVASCRIPT:",
        "<iframe",
        "evil.example",
    ):
        assert needle not in html, needle
    xss = one(cards, "Cross-site")
    assert "<b>input</b>" in xss.answer and ">this link</a>" in xss.answer
    generics = one(cards, "List")
    assert "List&lt;String&gt;" in generics.question  # not an HTML tag: kept as text
    assert "strings<br>in Java" in generics.answer and "<u>generics</u>" in generics.answer
    assert any("x.png" in str(w) and "evil.md:7" in str(w) for w in report.warnings)


def _media_vault(notes_tree):
    root = notes_tree(
        {
            "mlbook/book.yaml": "title: Media Book\n",
            "mlbook/ch1.md": """\
            # Chapter 1: Pictures

            **Lambda architecture** is a design with a batch layer and a speed layer.
            ![lambda diagram](images/lambda.png)

            **Kappa architecture** is a design that keeps only the stream layer. ![[kappa.png|240]]

            ![[lambda.png]]

            **Escape** is an image path that leaves the notes folder. ![](../../secret.png)

            **Absolute** is an image path that starts at the root. ![](/etc/hosts.png)

            **Missing** is an image reference to a file that does not exist.
            Here it is: ![](images/nowhere.png)

            **Remote** is an image served from the web. ![](https://example.com/a.png)
        """,
        }
    )
    (root / "mlbook/images").mkdir()
    (root / "mlbook/images/lambda.png").write_bytes(PNG)
    (root / "attachments").mkdir()
    (root / "attachments/kappa.png").write_bytes(PNG + b"kappa")
    (root.parent / "secret.png").write_bytes(PNG + b"secret")
    return root


def test_images_are_packed_and_shown(notes_tree, anki_collection):
    root = _media_vault(notes_tree)
    report, cards = build_and_import(root, anki_collection)
    [book] = report.books
    packed = sorted(media_map(book.deck_path).values())
    assert len(packed) == 2
    lambda_name = next(n for n in packed if n.endswith("-lambda.png"))
    kappa_name = next(n for n in packed if n.endswith("-kappa.png"))
    in_anki = set(os.listdir(anki_collection.col.media.dir()))
    assert {lambda_name, kappa_name} <= in_anki
    lam = one(cards, "Lambda architecture")
    assert f'<img src="{lambda_name}" alt="lambda diagram">' in lam.fields["Back"]
    assert f'src="{lambda_name}"' in lam.answer
    kappa = one(cards, "Kappa architecture")
    assert f'<img src="{kappa_name}" width="240">' in kappa.fields["Back"]
    remote = one(cards, "Remote")
    assert 'src="https://example.com/a.png"' in remote.answer


def test_image_paths_outside_the_notes_are_refused_with_a_warning(notes_tree, anki_collection):
    root = _media_vault(notes_tree)
    report, cards = build_and_import(root, anki_collection)
    warnings = [str(w) for w in report.warnings]
    assert (
        "mlbook/ch1.md:10: image path leaves the notes folder, refused: ../../secret.png"
        in warnings
    )
    assert any(w.startswith("mlbook/ch1.md:12: image path is absolute, refused") for w in warnings)
    assert "mlbook/ch1.md:15: image not found: images/nowhere.png" in warnings
    assert not any("secret" in name for name in media_map(report.books[0].deck_path).values())
    for front in ("What is Escape?", "What is Absolute?", "What is missing?"):
        card = one(cards, front)
        assert "<img" not in card.answer  # no broken image on the card, the text is still there
        assert "image" in card.fields["Back"]


def test_a_line_that_is_only_an_image_is_never_a_card(notes_tree, anki_collection):
    root = _media_vault(notes_tree)
    _, cards = build_and_import(root, anki_collection)
    assert len(cards) == 6
    for card in cards:
        plain = re.sub(r"<[^>]+>", "", card.fields["Front"]).strip()
        assert plain, card.fields


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("It costs $5 and $10.", "It costs $5 and $10."),
        ("Between $5-$10 or $20/$30", "Between $5-$10 or $20/$30"),
        ("`$x$` and $y$", "<code>$x$</code> and \\(y\\)"),
        ("escaped \\$x\\$ stays", "escaped $x$ stays"),
        ("a $$x+1$$ b", "a \\[x+1\\] b"),
        ("$a < b$", "\\(a &lt; b\\)"),
        ("use List<String> here", "use List&lt;String&gt; here"),
        ("~~old~~ ==new==", "<s>old</s> <mark>new</mark>"),
        ("[[Other note|alias]] and [[Plain]]", "alias and Plain"),
        ("![[Some note]] embeds a note", "Some note embeds a note"),
        ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ("{{c1::**bold**::hint}}", "{{c1::<strong>bold</strong>::hint}}"),
        ("pre- and post-processing, require- ments", "pre- and post-processing, requirements"),
    ],
)
def test_inline_rendering_cases(markdown, expected):
    assert markdown_to_html(markdown, inline=True) == expected


def test_obsidian_syntax_never_rewrites_code():
    html = markdown_to_html(
        "==hi== `a[[0]] == b==c` [[Link]]\n\n```python\nx = a[[0]]  # ==no==\n```\n"
    )
    assert "<mark>hi</mark>" in html and "<code>a[[0]] == b==c</code>" in html and "Link" in html
    assert "a[[" in html.split("<pre")[1] and "==no==" in html and "<mark>no" not in html


def test_awkward_image_names_reach_anki_intact(notes_tree, anki_collection):
    root = notes_tree(
        {
            "a.md": """\
            ---
            book: Names Book
            ---
            **Alpha** is shown in a diagram with spaces in its name ![[my diagram (v2).png]]

            **Beta** is shown in a diagram whose name has an umlaut ![](att/%C3%9Cbersicht.png)
        """,
        }
    )
    (root / "att").mkdir()
    (root / "att" / "my diagram (v2).png").write_bytes(PNG)
    (root / "att" / "U\u0308bersicht.png").write_bytes(PNG + b"u")  # decomposed, as macOS writes
    report, cards = build_and_import(root, anki_collection)
    assert not report.warnings
    in_anki = set(os.listdir(anki_collection.col.media.dir()))
    for front in ("Alpha", "Beta"):
        [name] = re.findall(r'<img src="([^"]+)"', one(cards, front).answer)
        assert name in in_anki and re.fullmatch(r"notedeck-[0-9a-f]{8}-[\w.-]+", name)

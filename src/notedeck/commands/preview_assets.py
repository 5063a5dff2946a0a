"""The preview page's inline CSS and script (``preview_page.py`` writes them into the page).

The script is the enhancement layer: the page without it is a complete list.  It reveals the
menus (hidden in the HTML, so no control is dead without it), filters the cards by book,
chapter, kind and words — the same filter for the list and for the one-card view — and keeps
the choice in ``location.hash`` (``#book=…&chapter=…&kind=…&q=…&view=list``), read on load.
"""

STYLE = """
:root { --fg:#1d2330; --muted:#667085; --line:#d0d5dd; --accent:#2f6feb; --card:#fff; --bg:#f3f4f6; }
* { box-sizing: border-box; }
[hidden] { display:none !important; }
body { margin:0; font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--fg); background:var(--bg); }
header { position:sticky; top:0; background:#fff; border-bottom:1px solid var(--line); padding:.6rem 1rem; z-index:1; }
header h1 { font-size:1.05rem; margin:0 0 .4rem; }
.toc { font-size:.9rem; margin:0; padding:0; list-style:none; display:flex; flex-wrap:wrap; gap:.2rem 1rem; }
.toc a { color:var(--accent); text-decoration:none; } .toc a:hover { text-decoration:underline; }
.flip .toc { display:none; }
form { display:flex; flex-wrap:wrap; gap:.5rem; align-items:center; margin:0; }
form select { max-width:16rem; } form input { width:11rem; }
:root:not(.flip) .flip-only { display:none; }
form select, form button, form input { font:inherit; padding:.25rem .6rem; border:1px solid var(--line); border-radius:6px; background:#fff; color:inherit; }
form button:hover { border-color:var(--accent); }
#counter { color:var(--muted); margin-left:auto; }
main { max-width:52rem; margin:1rem auto; padding:0 1rem; }
h2 { margin:1.6rem 0 .4rem; } h3 { margin:1.2rem 0 .4rem; color:var(--muted); font-size:1rem; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:1rem 1.2rem; margin:.8rem 0; }
.meta { font-size:.8rem; color:var(--muted); display:flex; gap:.6rem; flex-wrap:wrap; }
.kind { text-transform:uppercase; letter-spacing:.04em; color:var(--accent); }
.front { font-size:1.15rem; font-weight:600; margin:.5rem 0; }
.back { border-top:1px dashed var(--line); padding-top:.5rem; }
.cloze { color:var(--accent); font-weight:700; }
math[display="block"] { margin:.4rem 0; }
table { border-collapse:collapse; } th, td { border:1px solid var(--line); padding:.2rem .5rem; vertical-align:top; }
img { max-width:100%; }
pre { overflow:auto; background:#f6f8fa; padding:.5rem; border-radius:6px; }
.flip .card { display:none; min-height:14rem; cursor:pointer; }
.flip .card.current { display:block; }
.flip .card:not(.shown) .back { display:none; }
.flip h2, .flip h3 { display:none; }
.hint { color:var(--muted); font-size:.85rem; margin:.3rem 0 0; }
#empty { color:var(--muted); }
@media (prefers-color-scheme: dark) {
  :root { --fg:#e6e6e6; --muted:#9aa4b2; --line:#3a3f4b; --card:#1f232b; --bg:#15181e; }
  header, form select, form button, form input { background:#1f232b; color:var(--fg); } pre { background:#111; }
}
"""  # noqa: E501

SCRIPT = """
(function () {
  var root = document.documentElement, cards = [].slice.call(document.querySelectorAll('article.card'));
  var $ = function (id) { return document.getElementById(id); };
  var bookSel = $('book'), chapterSel = $('chapter'), kindSel = $('kind'), search = $('search');
  var counter = $('counter'), empty = $('empty'), visible = cards, pos = 0;
  var texts = cards.map(function (c) { return c.textContent.toLowerCase(); });
  $('filters').hidden = false; $('hint').hidden = false;
  root.classList.add('flip');
  function chapters() {
    var seen = {}, book = bookSel.value, keep = chapterSel.value, found = false;
    chapterSel.length = 1;
    cards.forEach(function (c) {
      if ((book === '' || c.dataset.book === book) && !seen[c.dataset.deck]) {
        seen[c.dataset.deck] = true;
        var label = c.dataset.chapter ? (book === '' ? c.dataset.book + ' › ' : '') + c.dataset.chapter : c.dataset.book;
        chapterSel.add(new Option(label, c.dataset.deck));
        found = found || c.dataset.deck === keep;
      }
    });
    chapterSel.value = found ? keep : '';
  }
  function apply() {
    var book = bookSel.value, deck = chapterSel.value, kind = kindSel.value;
    var words = search.value.toLowerCase().split(/\\s+/).filter(Boolean);
    visible = cards.filter(function (c, i) {
      var ok = (book === '' || c.dataset.book === book) && (deck === '' || c.dataset.deck === deck) &&
        (kind === '' || c.dataset.kind === kind) &&
        words.every(function (w) { return texts[i].indexOf(w) >= 0; });
      c.hidden = !ok;
      return ok;
    });
    [].forEach.call(document.querySelectorAll('section.chapter, section.book'), function (s) {
      s.hidden = !s.querySelector('article.card:not([hidden])');
    });
    empty.hidden = visible.length > 0;
    pos = 0; show(); save();
  }
  function show() {
    cards.forEach(function (c) { c.classList.remove('current', 'shown'); });
    var flip = root.classList.contains('flip');
    if (flip && visible.length) { visible[pos].classList.add('current'); }
    counter.textContent = !visible.length ? 'no cards' : flip ? (pos + 1) + ' / ' + visible.length
      : visible.length + ' of ' + cards.length + ' cards';
    $('prev').disabled = $('next').disabled = $('flipbtn').disabled = !visible.length;
  }
  function save() {
    var p = new URLSearchParams();
    if (bookSel.value) p.set('book', bookSel.value);
    if (chapterSel.value) p.set('chapter', chapterSel.value);
    if (kindSel.value) p.set('kind', kindSel.value);
    if (search.value) p.set('q', search.value);
    if (!root.classList.contains('flip')) p.set('view', 'list');
    try { history.replaceState(null, '', p.toString() ? '#' + p.toString() : location.pathname); } catch (e) {}
  }
  function load() {
    var hash = location.hash.slice(1);
    if (hash.indexOf('=') < 0) return;
    var p = new URLSearchParams(hash);
    bookSel.value = p.get('book') || ''; chapters();
    chapterSel.value = p.get('chapter') || ''; kindSel.value = p.get('kind') || '';
    search.value = p.get('q') || '';
    root.classList.toggle('flip', p.get('view') !== 'list');
  }
  function move(step) { if (visible.length) { pos = (pos + step + visible.length) % visible.length; show(); } }
  function flip() { if (root.classList.contains('flip') && visible.length) { visible[pos].classList.toggle('shown'); } }
  bookSel.addEventListener('change', function () { chapters(); apply(); });
  chapterSel.addEventListener('change', apply);
  kindSel.addEventListener('change', apply);
  search.addEventListener('input', apply);
  $('filters').addEventListener('submit', function (e) { e.preventDefault(); });
  $('prev').addEventListener('click', function () { move(-1); });
  $('next').addEventListener('click', function () { move(1); });
  $('flipbtn').addEventListener('click', flip);
  $('list').addEventListener('click', function () { root.classList.toggle('flip'); show(); save(); });
  cards.forEach(function (c) { c.addEventListener('click', function (e) { if (!e.target.closest('a')) flip(); }); });
  document.addEventListener('keydown', function (e) {
    if (/^(SELECT|INPUT|BUTTON)$/.test(e.target.tagName)) return;
    if (e.key === ' ' || e.key === 'Enter') { e.preventDefault(); flip(); }
    else if (e.key === 'ArrowRight' || e.key === 'j') { move(1); }
    else if (e.key === 'ArrowLeft' || e.key === 'k') { move(-1); }
  });
  chapters(); load(); apply();
})();
"""  # noqa: E501

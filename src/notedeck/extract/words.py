"""English word lists the rules share: about the language, never about particular notes."""

from __future__ import annotations

# ---------------------------------------------------------------- terms


def word_set(text: str) -> frozenset[str]:
    """A set of words written as one string, so long word lists stay readable."""
    return frozenset(text.split())


# Words that never occur inside a term: pronouns, determiners, auxiliaries, clause words.
FUNCTION_WORDS = word_set(
    "the my our your his her their its this that these those from with about i we you me he "
    "she they it which who when where because if but so not no is are was were be been can "
    "could should would will do does did have has had than very really just still there here "
    "then now what how why whether whose whos whom"
)


# Imperative openers of advice items ("Be smart with state", "Make everything reproducible").
IMPERATIVES = word_set(
    "be make keep use avoid design favor favour practice practise always never don't do "
    "choose plan build prefer think try start stop remember check read let ensure set find "
    "get take run write add remove put consider treat embrace prioritize prioritise architect "
    "learn go give ask look watch focus review redo skip automate monitor measure test "
    "document separate minimize minimise maximize maximise reduce limit isolate apply follow "
    "define move rename extract inline delete replace wrap introduce hide pass split merge "
    "return throw catch cache batch locate"
)


# Head nouns of commentary ("the pain point is …", "the big difference is …").
GENERIC_HEADS = word_set(
    "point thing things idea problem issue reason difference catch takeaway criticism "
    "question answer goal part bit trick plan result lesson upshot gist downside upside "
    "advantage disadvantage benefit drawback approach way stuff version points ideas problems "
    "issues reasons differences benefits advantages drawbacks downsides upsides half rest "
    "example examples"
)


PREPOSITIONS = word_set("for with in on at by to from of into about over under")


ALWAYS_IMPERATIVE = word_set(
    "be always never don't do let make keep avoid ensure try ask remember redo skip"
)


ADVERBS = word_set(
    "usually often mostly typically generally basically really actually also still always "
    "never sometimes rarely just only then now"
)


LY_NOUNS = word_set(
    "anomaly assembly family supply reply monopoly butterfly jelly italy oligopoly rally ally "
    "belly bully holly lily polly tally poly"
)


GENERIC_TAILS = word_set(
    "thoughts notes musings reflections remarks comments questions ideas todos tasks links "
    "resources references takeaways follow-ups followups ramblings reminders quotes quotations "
    "highlights excerpts snippets diary terms concepts"
)


# ---------------------------------------------------------------- sentences

ALT_STOP = word_set(
    "as be either or can are is use into offer offers of to the a an both like via using"
)


# First words of a predicate that make "X is …" commentary rather than a definition.
NOT_DEFINITION = word_set(
    "not still really very so too also just quite pretty probably maybe definitely actually "
    "most mostly merely well ideal suited "
    "basically always never now here there done over up down out on off in at due back fine "
    "ok okay good great bad hard easy nice cool fun boring confusing interesting important "
    "key tricky weird full empty late early going getting being having doing coming it this "
    "that these those what why i me my we our you your he she they them his her him to for "
    "from with about like as by more less much all both either neither same different better "
    "worse best worst safer faster slower cheaper easier harder simpler bigger smaller larger "
    "higher lower greater stronger weaker crucial essential useful helpful necessary needed "
    "required possible impossible likely unlikely available mostly largely partly usually "
    "often sometimes rarely something nothing everything exactly no worth finished ready"
)


SENTENCE_PREPOSITIONS = word_set(
    "after before by to into on in at from with when once as for through over out up down off "
    "gradually later again automatically only immediately together back away"
)


IRREGULAR_PARTICIPLES = word_set(
    "split built made done sent kept held run set put written given taken shown seen known "
    "drawn grown read"
)


HEDGES = frozenset({"a bit", "a little", "a lot", "kind of", "sort of"})  # "is a bit slow"


CLAUSE_WORDS = word_set("according and or but because since if when while although though")


# ---------------------------------------------------------------- lists

NP_END = word_set(
    "that which who whom whose where when to for of in on with from worth we you they people "
    "i at by under across between a an the used needed"
)


# Connectives of the other languages of real vaults ("Allora: f è derivabile", "Dann: …"): a
# step of an argument, never a term.
FOREIGN_FUNCTION_WORDS = word_set(
    "allora quindi poi dunque infatti inoltre però anche cioè ovvero dann daher somit deshalb "
    "folglich außerdem entonces luego además alors donc puis ainsi tedy pak proto takže"
)


# Verbs, pronouns and conjunctions of the other languages of real vaults (it, de, es, fr, pt,
# cs) that no term contains: "ci possono essere dei problemi", "uno schedule è detto legale
# se", "definiamo che" are clauses however short.  (Words that are also English — "come",
# "hat", "man", "son", "il" — are left out.)
FOREIGN_CLAUSE_WORDS = word_set(
    "è sono sia siano può possono essere viene vengono hanno era erano sarà fa fanno deve "
    "devono definiamo vediamo abbiamo dobbiamo possiamo consideriamo quindi però perché quando "
    "dove cui ci si se che ovvero cioè devo posso ho presenta presentano contiene contengono "
    "servono bisogna occorre esistono esiste "
    "ist sind wird werden wurde wurden kann können muss müssen gibt haben dass wenn ob weil "
    "gilt gelte gelten sei seien heißt enthält besteht außerdem ferner zudem sodass "
    "es está están puede pueden hay que cuando donde porque tiene tienen debo tengo "
    "est sont peut peuvent qui quand où parce avons sommes nous vous ils "
    "são pode podem não "
    "je jsou může mohou který která které když že"
)


SUBORDINATE = word_set(
    "when if while after before as since because although once to for in on with during by "
    "from here so and but"
)


# ---------------------------------------------------------------- labels

# The labels of a step of a proof or a calculation ("Beweis:", "Abschätzung:", "Dimostrare:"):
# generic, and no heading above rescues them (a data label too).
PROOF_STEPS = word_set(
    "beweis dimostrazione dimostrare preuve demostración bekannt abschätzung ansatz "
    "rechnung umformung folgerung"
)

# Words that label a part of a note rather than name a subject: "Output:", "Example 2",
# "Base case:", "Reason:".  Asked as "What is Output?", the real subject (the heading) is lost.
GENERIC_LABELS = PROOF_STEPS | word_set(
    "output outputs input inputs example examples e.g eg result results figure fig summary "
    "note notes nb issue issues reason reasons idea ideas problem problems solution "
    "solutions answer answers question questions step steps part parts section chapter "
    "reference references ref activity activities exercise exercises task tasks goal goals "
    "total totals base definition intuition explanation description overview detail details "
    "purpose advantage advantages disadvantage disadvantages pros cons benefit benefits "
    "drawback drawbacks limitation limitations complexity approach approaches idea takeaway "
    "takeaways tip tips hint hints warning caution important key point points thing things "
    "item items way ways other others misc general intro introduction conclusion background "
    "context motivation why how what when where who lecture lectures slide slides week day "
    "today todo done properties property commands command cause causes symptoms features "
    "characteristics applications uses usage components structure syntax implementation "
    "implementations attacks outlines outline existence uniqueness process markers arguments "
    "ids list lists criteria requirements assumptions notation formula formulas statement "
    "remarks remark observation observations argument arguments counterargument "
    "counterarguments objection objections premise premises challenge challenges response "
    "responses reply replies definitions glossary terminology vocabulary "
    # aspects a note's subject has: "Attack:", "Impact:", "Mitigation:" under the attack named
    "attack impact impacts mitigation mitigations prevention detection risk risks treatment "
    "diagnosis effect effects outcome outcomes role roles scope history origin origins "
    "problema problemi problème problemas tesi ipotesi hypothesis thesis negazione negation "
    "textbook textbooks readings literature scopo zweck propósito notiz notizen notazione "
    "notazioni soluzione soluzioni lösung "
    "lösungen solución soluciones "
    # the same labels in the other languages of real vaults (it, de, es, fr)
    "esempio esempi beispiel beispiele ejemplo ejemplos exemple exemples osservazione oss "
    "bemerkung anmerkung idee idea significato bedeutung significado definizione definición "
    "proprietà eigenschaften propiedades propriétés nota hinweis attenzione achtung formalmente "
    "introduzione einleitung einführung einfuehrung introducción introduccion úvod uvod "
    "panoramica überblick uberblick resumen résumé riassunto zusammenfassung conclusione fazit "
    "conclusión theorem theorems teorema teoremi satz sätze lemma lemmi corollary corollario "
    "korollar proposition proposizione frage fragen domanda domande pregunta method methods "
    "metodo metodi methode método procedura verfahren descrizione beschreibung descripción "
    "obiettivo obiettivi ziel ziele caratteristiche merkmale características vantaggi "
    "svantaggi vantaggio svantaggio vorteil nachteil ventaja desventaja vorteile nachteile "
    "ventajas desventajas implementazione implementierung "
    "struttura struktur estructura sintassi utilizzo verwendung uso related gegeben gesucht "
    "given wanted dato dati bemerkungen anmerkungen osservazioni hinweise"
)
# Labels that introduce a named statement: "Satz: **Existenz des Erwartungswertes**".
STATEMENT_LABELS = word_set(
    "theorem satz teorema lemma corollary corollario korollar proposition proposizione "
    "principle law rule regel"
)
# Labels over the account of the note's own subject: "## Introduzione" under "Albero BFS"
# introduces the BFS tree, so its paragraph is asked as "What is the BFS tree?".
INTRO_LABELS = word_set(
    "intro introduction overview definition definitions description basics introduzione "
    "einleitung einführung einfuehrung introducción introduccion úvod uvod panoramica "
    "überblick uberblick definizione definición definicion descrizione beschreibung "
    "descripción définition présentation"
)
# A card about these is a citation or a pointer, never a fact: "Reference: Floyd's algorithm".
CITATION_LABELS = word_set(
    "reference references ref refs source sources citation citations credit credits "
    "link links url urls further reading based see also bibliography related textbook "
    "textbooks readings literature literatur bibliografia 参考 参考资料 资料 视频资料 链接 "
    "相关链接 延伸阅读 参考文献"
)
# Labels of an exercise's data or a routine's signature ("Input", "Output", "Gegeben": with any
# subject they ask for sample values, "Two Sum — Output?" → "[0, 1]"), and of remarks.
DATA_LABELS = PROOF_STEPS | word_set(
    "input inputs output outputs given wanted gegeben gesucht dato dati ingresso uscita "
    "eingabe ausgabe entrada salida "
    # and the labels of a remark: "Oss:", "Note:", "Bemerkung:" jot down an aside, no fact
    "note notes nb remark remarks observation observations osservazione osservazioni oss "
    "bemerkung bemerkungen anmerkung anmerkungen hinweis hinweise notiz notizen nota tip tips zz "
    "behauptung annahme voraussetzung motivazione "
    # and of a worked example or a question put to the reader ("Beispiel:", "Frage:")
    "example beispiel beispiele esempio esempi ejemplo ejemplos exemple exemples příklad 例子 "
    "示例 例如 举例 frage fragen domanda pregunta"
)
# Plural heads that need their subject: "What are the main kinds?" of what?
PLURAL_LABELS = word_set(
    "types kinds sorts categories forms classes ways methods approaches options examples "
    "reasons steps variants flavours flavors styles strategies techniques fields parameters "
    "params settings attributes functions operations rules criticisms implications "
    "consequences effects setups"
)
GENERIC_PHRASES = frozenset(
    {
        "base case", "edge case", "edge cases", "test case", "test cases", "worst case",
        "best case", "average case", "true case", "false case", "general case",
        "time complexity", "space complexity", "big o",
        "formal definition", "key idea", "main idea", "key points", "key point", "side note",
        "fun fact", "in short", "in summary", "tl dr", "tldr", "use cases", "see also",
        "further reading", "based on", "last modified", "last updated", "page last modified",
        "thought experiment", "thought experiments",
    }
)  # fmt: skip
# Labels that number things: "Pattern 1", "Segment 2", "Theorem 2.47" name no subject.
ENUMERATED_LABELS = word_set(
    "example pattern segment theorem lemma corollary figure fig table step part case rule "
    "exercise problem question chapter section lecture week day round level stage phase "
    "option method approach solution test type item point note slide page proof claim loop "
    "line iteration attempt trial version problema esempio beispiel aufgabe esercizio need "
    "task requirement scenario persona"
)

# Caption labels: "Table: Cardinality requirements", "Figure 3: The write path" title a picture.
CAPTION_WORDS = word_set("table figure fig image diagram chart graph screenshot photo picture")

# Verbs whose third-person form ("provides", "keeps") turns a phrase into a clause.
COMMON_VERBS = word_set(
    "provide give take make use run send store return contain keep show allow need require "
    "support include create hold handle cause mean describe let help work call become say get "
    "go see know happen lead depend add remove write read build track check cover offer reduce "
    "increase prevent protect control change move split join map find choose decide define "
    "produce consume serve scale replicate fail lose save load pass block wait stop start "
    "follow apply compute process manage measure test deploy train predict learn"
)


# Headings over worked material: the numbers of an example, the steps of a proof, the answer to
# an exercise (English, Italian, German, Spanish, French, Czech: the languages of real vaults).
# Their text is practice, not facts to recall; only the learner's own cards are made there.
WORKED_HEADINGS = word_set(
    "example esempio beispiel ejemplo exemple příklad priklad exercise esercizio esercizi "
    "esercitazione esercitazioni übung uebung aufgabe aufgaben ejercicio exercice cvičení cviceni "
    "solution "
    "soluzione lösung loesung solución solucion soln sol risposta antwort respuesta réponse "
    "proof beweis dimostrazione dimostrare demostración demostracion preuve důkaz dukaz "
    "homework hausaufgabe compito practice"
)
# A file named for its exercises ("Logik große Übung", "Esercizi visite alberi binari",
# "Homework C1"): a session's working, however its headings read.
EXERCISE_FILE_WORDS = word_set(
    "exercise exercises esercizio esercizi esercitazione esercitazioni übung uebung übungen "
    "aufgabe aufgaben hausaufgabe hausaufgaben homework ejercicio ejercicios exercice exercices "
    "cvičení procvičování exercícios ćwiczenia übungsblatt worksheet"
)
WORKED_CALLOUTS = word_set("example exercise solution proof answer todo")
# Headings over links to other notes: a map of the vault, not its content.
HUB_HEADINGS = frozenset(
    {
        "related", "related notes", "related topics", "related pages", "see also", "links",
        "index", "indice", "inhalt", "inhaltsverzeichnis", "contents", "table of contents",
        "toc", "children", "parents", "parent", "moc", "map of content", "navigation",
        "backlinks", "bibliography", "sources", "references", "further reading", "tags",
        "sommario", "obsah", "índice", "links to this note",
    }
)  # fmt: skip

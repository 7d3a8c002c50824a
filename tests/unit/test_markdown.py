"""The annotation plugin (SPEC §4): mentions, claim spans, quotes found in the text, autolinked names, links
under the base path, diagnostics at their file places; and CommonMark left exactly as it is."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from ssg.markdown import BodyContext, RenderedBody, create_markdown, render_body
from ssg.markdown.context import ClaimInfo
from ssg.markdown.quotes import fold

SPEC_EXAMPLES = Path(__file__).resolve().parent.parent / "commonmark-spec-0.31.2.json"
MD = create_markdown()

NAMES = (
    ("Alexander Lukashenko", "lukashenko"),
    ("Lukashenko", "lukashenko"),
    ("the Belarusian leader", "lukashenko"),
    ("Vladimir Putin", "putin"),
    ("Putin", "putin"),
    ("Kremlin", "kremlin"),
)
CLAIMS = {
    "expects": ClaimInfo("unverified", "Tell Trump that I expect him here"),
    "best-place": ClaimInfo("false", "Minsk is the best place for negotiations"),
    "needs-zelensky": ClaimInfo(None, None),  # a paraphrase: `text:`, never found automatically
}


def context(**changes) -> BodyContext:
    values = dict(
        rel_path="content/articles/talks.md",
        body_line=20,
        actor_url_prefix="/monitor/actors/",
        base_path="/monitor/",
        declared=("lukashenko", "putin"),
        profiled=("kremlin", "zelensky"),
        names=NAMES,
        claims=CLAIMS,
        autolink="first",
    )
    values.update(changes)
    return BodyContext(**values)


def render(text: str, md: MarkdownIt = MD, **changes) -> RenderedBody:
    return render_body(md, text, context(**changes))


def clean(text: str, **changes) -> RenderedBody:
    body = render(text, **changes)
    assert body.diagnostics == (), [str(d) for d in body.diagnostics]
    return body


class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Element | None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element | str] = []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def ancestors(self) -> list[str]:
        tags, node = [], self.parent
        while node is not None:
            tags.append(node.tag)
            node = node.parent
        return tags


class TreeBuilder(HTMLParser):
    """A strict tree of the HTML: an end tag that does not close the innermost open element fails the test."""

    VOID = frozenset({"img", "br", "hr", "input", "meta", "link"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("root", {}, None)
        self.open = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.open)
        self.open.children.append(element)
        if tag not in self.VOID:
            self.open = element

    def handle_startendtag(self, tag, attrs):
        self.open.children.append(Element(tag, dict(attrs), self.open))

    def handle_endtag(self, tag):
        assert tag == self.open.tag, f"</{tag}> closes <{self.open.tag}>: badly nested HTML"
        self.open = self.open.parent  # type: ignore[assignment]

    def handle_data(self, data):
        self.open.children.append(data)


def tree(html: str) -> Element:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    assert builder.open is builder.root, f"<{builder.open.tag}> never closed"
    return builder.root


def mentions_in(html: str) -> list[tuple[str, str, str]]:
    """(text, href, data-actor) of every mention, in order."""
    return [
        (e.text(), e.attrs["href"], e.attrs["data-actor"])
        for e in tree(html).iter()
        if e.tag == "a" and "data-actor" in e.attrs
    ]


def claim_elements(html: str, claim_id: str) -> list[Element]:
    return [e for e in tree(html).iter() if e.attrs.get("data-claim") == claim_id]


def marked_text(html: str, claim_id: str) -> str:
    return "".join(e.text() for e in claim_elements(html, claim_id))


# --- mentions and claim spans -----------------------------------------------------------------------------------


def test_mention_is_a_link_to_the_actor_page_with_data_actor() -> None:
    body = clean("The [Belarusian president](@lukashenko) spoke.\n", autolink="none")
    assert mentions_in(body.html) == [("Belarusian president", "/monitor/actors/lukashenko/", "lukashenko")]
    assert body.mentions == ("lukashenko",)


def test_an_actor_with_a_profile_may_be_mentioned_without_being_declared() -> None:
    body = clean("[The Ukrainian president](@zelensky) replied.\n")
    assert mentions_in(body.html) == [("The Ukrainian president", "/monitor/actors/zelensky/", "zelensky")]


def test_claim_span_carries_id_data_claim_and_data_verdict() -> None:
    body = clean("He said [Minsk is best](claim:best-place) today.\n")
    [span] = claim_elements(body.html, "best-place")
    assert span.attrs["id"] == "claim-best-place"
    assert span.attrs["data-verdict"] == "false"
    assert span.text() == "Minsk is best"
    assert span.tag != "a"  # claim spans are not links
    assert body.marked_claims == frozenset({"best-place"})


def test_claim_span_without_verdict_has_no_data_verdict() -> None:
    body = clean("[Any deal needs Zelensky](claim:needs-zelensky).\n")
    [span] = claim_elements(body.html, "needs-zelensky")
    assert span.attrs["id"] == "claim-needs-zelensky"
    assert "data-verdict" not in span.attrs


def test_unknown_actor_is_reported_at_its_file_line_and_column() -> None:
    body = render("First line.\n\nThen [him](@lukashenk) spoke.\n")
    assert [str(d) for d in body.diagnostics] == [
        "content/articles/talks.md:22:13: error: unknown actor 'lukashenk' (did you mean 'lukashenko'?)"
    ]
    assert "data-actor" not in body.html
    assert "him" in body.html  # the text stays, the broken link goes


def test_unknown_claim_is_reported_at_its_file_line_and_column_with_suggestion() -> None:
    body = render("Intro.\n\nA paragraph\nthat says [this](claim:best-plaec).\n", body_line=7)
    assert [str(d) for d in body.diagnostics] == [
        "content/articles/talks.md:10:24: error: unknown claim 'best-plaec' (did you mean 'best-place'?)"
    ]
    assert "data-claim" not in body.html


def test_every_unknown_reference_is_reported() -> None:
    body = render("[a](@nobody) and [b](@nobody2)\n\n[c](claim:nothing)\n")
    assert [(d.line, d.col, d.message) for d in body.diagnostics] == [
        (20, 6, "unknown actor 'nobody'"),
        (20, 23, "unknown actor 'nobody2'"),
        (22, 11, "unknown claim 'nothing'"),
    ]


def test_unknown_actor_whose_id_is_a_prefix_of_an_earlier_mention_is_reported_at_its_own_place() -> None:
    body = render("[a](@lukashenko) [b](@lukashenk)\n")
    assert [(d.line, d.col) for d in body.diagnostics] == [(20, 23)]


def test_a_claim_marked_twice_is_an_error() -> None:
    body = render("[Minsk](claim:best-place) and again\n[Minsk too](claim:best-place).\n")
    assert [d.message for d in body.diagnostics] == ["claim 'best-place' is marked twice in the body"]
    assert len(claim_elements(body.html, "best-place")) == 1


def test_a_claim_marked_twice_is_reported_at_its_second_occurrence() -> None:
    body = render("[Minsk](claim:best-place) and\n[Minsk too](claim:best-place).\n")
    assert [(d.line, d.col) for d in body.diagnostics] == [(21, 19)]


# --- quotes marked automatically --------------------------------------------------------------------------------


def test_quote_in_the_body_is_marked_at_its_first_occurrence_only() -> None:
    text = "“Tell Trump that I expect him here,” he said.\n\nAgain: Tell Trump that I expect him here.\n"
    body = clean(text, autolink="none")
    [span] = claim_elements(body.html, "expects")
    assert span.attrs["id"] == "claim-expects"
    assert span.attrs["data-verdict"] == "unverified"
    assert span.text() == "Tell Trump that I expect him here"
    assert span.ancestors()[0] == "p"
    assert body.html.index("claim-expects") < body.html.index("Again")
    assert body.marked_claims == frozenset({"expects"})


def test_quote_matches_across_curly_quotes_and_runs_of_whitespace() -> None:
    claims = {"q": ClaimInfo(None, 'We are going to "sit down"   and make an accord')}
    text = "He said: “We are going to “sit down”\n   and  make an\taccord.”\n"
    body = clean(text, claims=claims, autolink="none")
    assert fold(marked_text(body.html, "q")) == fold(claims["q"].quote)  # type: ignore[arg-type]
    assert len([e for e in tree(body.html).iter() if e.attrs.get("id") == "claim-q"]) == 1


def test_straight_quotes_in_the_body_match_a_curly_quote_in_front_matter() -> None:
    claims = {"q": ClaimInfo(None, "It’s the “best” place")}
    body = clean('He said "It\'s the "best" place" yesterday.\n', claims=claims, autolink="none")
    assert marked_text(body.html, "q") == 'It\'s the "best" place'


def test_explicitly_marked_quote_is_not_marked_again() -> None:
    text = "[He offered Minsk](claim:best-place).\n\nMinsk is the best place for negotiations, he said.\n"
    body = clean(text)
    [span] = claim_elements(body.html, "best-place")
    assert span.text() == "He offered Minsk"


def test_paraphrase_is_never_marked_automatically() -> None:
    claims = {"para": ClaimInfo(None, None)}
    body = clean("Any deal would need Zelensky.\n", claims=claims)
    assert "data-claim" not in body.html
    assert body.marked_claims == frozenset()


def test_quote_not_in_the_body_is_not_marked() -> None:
    body = clean("Nothing quoted here.\n")
    assert "data-claim" not in body.html
    assert body.marked_claims == frozenset()


def test_quote_is_not_found_inside_a_heading_or_code() -> None:
    claims = {"q": ClaimInfo(None, "peace now")}
    body = clean("# peace now\n\n`peace now`\n\n    peace now\n\nWe want peace now.\n", claims=claims)
    [span] = claim_elements(body.html, "q")
    assert span.ancestors()[0] == "p"
    assert "We want" in span.parent.text()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text",
    [
        "He said: Tell *Trump that I* expect him here.\n",
        "He said: Tell Trump that I *expect him here and* more.\n",
        "He said: *Tell Trump* that **I expect him** here.\n",
        "He said: Tell [Trump that I expect](https://example.org/) him here.\n",
        "He said: Tell Trump [that I expect him here, now](https://example.org/).\n",
        "He said: *Tell Trump that I expect him here*.\n",
        "He said: Tell Trump that\nI expect *him\nhere*.\n",
    ],
)
def test_quote_across_emphasis_or_links_gives_well_nested_html_with_one_anchor(text: str) -> None:
    body = clean(text, autolink="none")
    root = tree(body.html)  # fails on bad nesting
    assert fold(marked_text(body.html, "expects")) == "Tell Trump that I expect him here"
    anchors = [e for e in root.iter() if e.attrs.get("id") == "claim-expects"]
    assert len(anchors) == 1
    assert all(
        e.tag == "span" and e.attrs.get("data-verdict") == "unverified" for e in claim_elements(body.html, "expects")
    )
    visible = text.replace("*", "").replace("[", "").replace("](https://example.org/)", "")
    assert without_notes(root).split() == visible.split()  # the words of the paragraph are unchanged
    notes = [e for e in root.iter() if "data-claim-note" in e.attrs]
    assert len(notes) == 1 and "a" not in notes[0].ancestors(), "one note, never inside a link"


def without_notes(element: Element) -> str:
    """The text of an element without the notes after claim spans (verdict label, link to the entry)."""
    return "".join(
        c if isinstance(c, str) else "" if "data-claim-note" in c.attrs else without_notes(c) for c in element.children
    )


def test_a_claim_span_is_followed_by_its_verdict_label_and_a_named_link_to_its_entry() -> None:
    claims = {
        "q": ClaimInfo("false", "peace now", speaker_name="Ada Quill", verdict_label="False"),
        "p": ClaimInfo(None, None, speaker_name="Tom Brandt"),
    }
    body = clean("We want peace now. [It costs too much](claim:p).\n", claims=claims)
    root = tree(body.html)
    notes = {e.attrs["data-claim-note"]: e for e in root.iter() if "data-claim-note" in e.attrs}
    links = {
        n: [(a.attrs.get("href"), a.attrs.get("aria-label"), a.text()) for a in e.iter() if a.tag == "a"]
        for n, e in notes.items()
    }
    assert links["q"] == [
        ("#entry-q", "Claim by Ada Quill, rated False", "↓"),
        ("/monitor/verdicts/#false", None, "False"),
    ]
    assert links["p"] == [
        ("#entry-p", "Claim by Tom Brandt, not rated", "↓"),
        ("/monitor/verdicts/#not-rated", None, "Not rated"),
    ]


# --- autolink -----------------------------------------------------------------------------------------------------


def test_autolink_first_links_the_first_occurrence_of_each_actor() -> None:
    body = clean("Putin met Lukashenko. Later Putin and the Belarusian leader left.\n")
    assert mentions_in(body.html) == [
        ("Putin", "/monitor/actors/putin/", "putin"),
        ("Lukashenko", "/monitor/actors/lukashenko/", "lukashenko"),
    ]
    assert body.mentions == ("putin", "lukashenko")


def test_autolink_all_links_every_occurrence_of_names_and_aliases() -> None:
    body = clean("Putin met Lukashenko. Later Putin and the Belarusian leader left.\n", autolink="all")
    assert [(t, a) for t, _, a in mentions_in(body.html)] == [
        ("Putin", "putin"),
        ("Lukashenko", "lukashenko"),
        ("Putin", "putin"),
        ("the Belarusian leader", "lukashenko"),
    ]


def test_autolink_none_links_nothing() -> None:
    body = clean("Putin met Lukashenko.\n", autolink="none")
    assert mentions_in(body.html) == []
    assert body.mentions == ()


def test_autolink_is_case_sensitive_and_whole_words_only() -> None:
    body = clean("Putinism, putin, PUTIN and SuperPutin are not names. Putin's is.\n", autolink="all")
    assert [t for t, _, _ in mentions_in(body.html)] == ["Putin"]
    assert "Putin</a>'s is" in body.html.replace("&#x27;", "'")


def test_longest_name_wins() -> None:
    body = clean("Alexander Lukashenko spoke.\n", autolink="all")
    assert mentions_in(body.html) == [("Alexander Lukashenko", "/monitor/actors/lukashenko/", "lukashenko")]


@pytest.mark.parametrize(
    "text",
    [
        "# Putin in Minsk\n",
        "Putin in Minsk\n==============\n",
        "The name `Putin` in code.\n",
        "```\nPutin\n```\n",
        "    Putin indented\n",
        "[a report on Putin](https://example.org/)\n",
        "![Putin at the table](photo.jpg)\n",
        "<https://example.org/Putin>\n",
    ],
)
def test_names_are_never_linked_in_headings_code_link_text_or_image_alt(text: str) -> None:
    body = clean(text, autolink="all")
    assert mentions_in(body.html) == []


def test_first_occurrence_outside_a_heading_is_the_one_linked() -> None:
    body = clean("# Putin speaks\n\nPutin said it. Putin again.\n")
    root = tree(body.html)
    [mention] = [e for e in root.iter() if e.attrs.get("data-actor") == "putin"]
    assert mention.ancestors()[0] == "p"


def test_names_inside_claim_spans_are_linked() -> None:
    body = clean("[Putin says Minsk is fine](claim:best-place).\n")
    [span] = claim_elements(body.html, "best-place")
    [mention] = [e for e in span.iter() if e.attrs.get("data-actor")]
    assert (mention.text(), mention.attrs["data-actor"]) == ("Putin", "putin")


def test_names_inside_an_automatically_marked_quote_are_linked() -> None:
    claims = {"q": ClaimInfo(None, "Putin will come to Minsk")}
    body = clean("He said Putin will come to Minsk.\n", claims=claims)
    [span] = claim_elements(body.html, "q")
    assert [e.attrs["data-actor"] for e in span.iter() if e.attrs.get("data-actor")] == ["putin"]
    assert span.text() == "Putin will come to Minsk"


def test_an_explicit_earlier_mention_counts_as_the_first() -> None:
    body = clean("[The president](@putin) arrived. Putin spoke.\n\nPutin left.\n")
    assert mentions_in(body.html) == [("The president", "/monitor/actors/putin/", "putin")]


def test_only_the_articles_actors_names_are_linked() -> None:
    body = clean("Zelensky and Trump.\n", autolink="all")
    assert mentions_in(body.html) == []


# --- links, raw HTML, summary -------------------------------------------------------------------------------------


def test_root_relative_links_get_the_base_path_others_do_not() -> None:
    text = (
        "[a](/articles/other/) [b](../other/) [c](https://example.com/x) [d](#claims) [e](mailto:a@b.c)\n\n"
        "![map](map.png) ![logo](/static/logo.png)\n"
    )
    body = clean(text)
    hrefs = [e.attrs.get("href") or e.attrs.get("src") for e in tree(body.html).iter() if e.tag in ("a", "img")]
    assert hrefs == [
        "/monitor/articles/other/",
        "../other/",
        "https://example.com/x",
        "#claims",
        "mailto:a@b.c",
        "map.png",
        "/monitor/static/logo.png",
    ]


def test_internal_links_are_recorded_as_written_with_their_file_place() -> None:
    body = clean("Intro.\n\nSee [the other](/articles/other/) and ![map](map.png).\n")
    assert body.links == (("/articles/other/", 22, 17), ("map.png", 22, 46))


def test_root_relative_links_are_unchanged_without_a_base_path() -> None:
    body = clean("[a](/articles/other/)\n", base_path="/")
    assert 'href="/articles/other/"' in body.html


def test_raw_html_is_escaped_by_default() -> None:
    body = clean('Hello <b onclick="x()">there</b>\n\n<div>block</div>\n')
    assert "<b" not in body.html and "<div>" not in body.html
    assert "&lt;b onclick=" in body.html and "&lt;div&gt;block&lt;/div&gt;" in body.html


def test_raw_html_is_kept_when_the_site_allows_it() -> None:
    body = render_body(create_markdown(raw_html=True), "Hello <b>there</b>\n\n<div>block</div>\n", context())
    assert "<b>there</b>" in body.html and "<div>block</div>" in body.html


def test_summary_is_the_first_paragraph_as_plain_text() -> None:
    text = "# Title\n\n> quoted first\n\nThe *first* [real](/x/) paragraph\nwith `code` and a\nbreak.\n\nSecond.\n"
    assert clean(text).summary == "The first real paragraph with code and a break."


def test_summary_is_empty_without_a_paragraph() -> None:
    assert clean("# Only a heading\n").summary == ""


def test_crlf_body_renders_like_lf() -> None:
    lf = clean("Putin said.\n\n[x](/a/)\n")
    crlf = clean("Putin said.\r\n\r\n[x](/a/)\r\n")
    assert crlf.html == lf.html
    assert crlf.links == lf.links


# --- CommonMark conformance (SPEC §4: annotation must not change ordinary Markdown) -------------------------------


def commonmark_examples() -> list[dict]:
    return json.loads(SPEC_EXAMPLES.read_text(encoding="utf-8"))


@pytest.mark.parametrize("raw_html", [True, False], ids=["raw_html", "escaped_html"])
def test_every_commonmark_example_renders_as_plain_markdown_it(raw_html: bool) -> None:
    examples = commonmark_examples()
    assert len(examples) == 652
    ssg_md = create_markdown(raw_html=raw_html)
    reference = MarkdownIt("commonmark", {"html": raw_html})
    empty = BodyContext("content/articles/spec.md", 1, "/actors/", "/")
    failures = []
    for example in examples:
        body = render_body(ssg_md, example["markdown"], empty)
        expected = reference.render(example["markdown"])
        if body.html != expected or body.diagnostics:
            failures.append(
                f"example {example['example']} ({example['section']}, spec line {example['start_line']}):\n"
                f"  markdown: {example['markdown']!r}\n  expected: {expected!r}\n  got:      {body.html!r}"
            )
    assert not failures, f"{len(failures)} CommonMark examples differ:\n" + "\n".join(failures[:20])


@pytest.mark.parametrize(
    "body",
    [
        "[x](javascript:alert(1))",
        "[x](JAVASCRIPT:alert(1))",
        "[x](jav&#x09;ascript:alert(1))",
        "[x](data:text/html,<b>x</b>)",
        "[x](vbscript:msgbox)",
        "![x](javascript:alert(1))",
        "<javascript:alert(1)>",
        "[x]\n\n[x]: javascript:alert(1)",
    ],
)
def test_body_links_with_unsafe_schemes_get_no_href(body: str) -> None:
    """markdown-it's validateLink drops javascript:, vbscript:, file: and non-image data: targets (security.md)."""
    targets = re.findall(r'(?:href|src)="([^"]*)"', render(body).html)
    assert not [t for t in targets if re.match(r"\s*(javascript|vbscript|data):", html.unescape(t), re.I)]


@pytest.mark.parametrize(
    ("name", "text", "linked"),
    [
        ("艾达·奎尔", "艾达·奎尔说桥梁五月开通。", "艾达·奎尔"),  # Chinese: no spaces between words
        ("エイダ", "エイダは言った。", "エイダ"),
        ("อดา", "อดาพูดว่า", "อดา"),
        ("أدا قويل", "قالت أدا قويل إن", "أدا قويل"),
        ("Ада Квилл", "Ада Квилл сказала.", "Ада Квилл"),
        ("Ada", "Ada说", None),  # a Latin name still needs its word boundary
        ("Квилл", "Квиллова сказала.", None),
    ],
)
def test_autolink_finds_names_in_any_script(name: str, text: str, linked: str | None) -> None:
    body = clean(text, names=((name, "putin"),), declared=("putin",))
    assert [m[0] for m in mentions_in(body.html)] == ([linked] if linked else [])

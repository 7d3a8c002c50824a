"""`ssg init` and `ssg new` (SPEC §7): files written with their front matter filled in, never overwriting."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from ssg.urls import slugify


class ScaffoldError(Exception):
    """The file exists already, or the name gives no usable id."""


def yaml_string(text: str) -> str:
    """A YAML scalar for any text: JSON strings are valid YAML."""
    return json.dumps(text, ensure_ascii=False)


def write_new(path: Path, text: str) -> Path:
    if path.exists():
        raise ScaffoldError(f"{path} exists already; not overwriting it")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def new_article(site_dir: Path, title: str, today: dt.date | None = None) -> list[Path]:
    slug = slugify(title)
    if not slug:
        raise ScaffoldError(f"the title {title!r} gives no slug: use some letters or digits")
    date = (today or dt.date.today()).isoformat()
    text = f"""---
title: {yaml_string(title)}
date: {date}
draft: true             # built only by `ssg serve` and `--drafts` until you set it to false
# updated: {date}      # optional: when the article was last changed (default: the newest correction's date)
# slug: {slug}          # optional: the URL's last part (default: the file name)
# summary: One sentence for lists, feeds and search engines.   # default: the first paragraph
tags: []
# source: {{name: Example Gazette, url: https://example.org/}}   # optional: where the article first appeared
# authors: [Jane Roe]   # optional: the byline
# reviewers: [John Doe] # optional: who checked the claims
people: {{}}              # the actors of this article, by id, for example:
#   example-id:
#     name: Example Name
#     role: Example role            # the role at the time of this article
#     aliases: [Example]            # other names used in the text, linked automatically
#     type: person                  # or organization
#     wikidata: Q42                 # optional
#     image: example.jpg            # optional: a file beside the article, or a URL
#     url: https://example.org/     # optional: the actor's own website
claims: []              # what the actors said, for example:
#   - id: example-claim             # unique in this article: the anchor #claim-example-claim
#     by: example-id                # the speaker's actor id
#     quote: The exact words.       # verbatim; or `text:` for a paraphrase (one or the other)
#     about: [other-id]             # optional: actor ids the claim is about
#     date: {date}                # optional: when it was said (default: the article's date)
#     verdict: unverified           # optional: a verdict id of site.toml
#     review: Why it got that verdict, in Markdown.
#     evidence: [https://example.org/source]
#     appearance: https://example.org/video   # optional: where the statement was made
#     said_in: a radio interview    # optional: where it was made, in words
#     reviewed: {date}            # optional: when the verdict was given (default: updated, else date)
# corrections:          # published corrections, newest shown first:
#   - {{date: {date}, text: An earlier version gave the wrong date.}}
---
Write the article here. Mention an actor with `[their name](@actor-id)`; mark where a claim is made with
`[the words](claim:claim-id)`. A claim's quote found in the text is marked by itself.
"""
    return [write_new(site_dir / "content" / "articles" / f"{slug}.md", text)]


def new_actor(site_dir: Path, name: str, actor_type: str = "person") -> list[Path]:
    actor_id = slugify(name)
    if not actor_id:
        raise ScaffoldError(f"the name {name!r} gives no id: use some letters or digits")
    text = f"""---
name: {yaml_string(name)}
type: {actor_type}
role:                   # the current role
aliases: []             # other names the articles use, linked automatically
wikidata:               # e.g. Q6012
# image: {actor_id}.jpg  # a photo beside this file (content/actors/), or a URL
# url: https://example.org/
# sort_name: "Surname, Given"   # where /actors/ files this actor (default: people by their last name)
# The biography goes below the closing line, in Markdown; left empty, the actor page shows none.
---
"""
    return [write_new(site_dir / "content" / "actors" / f"{actor_id}.md", text)]


SITE_TOML = """[site]
title = "{title}"
base_url = "https://example.org/"
language = "en"
description = "Who said what: annotated articles."
publisher = "Example Fact Check Desk"

[build]
articles_per_page = 10
permalink = "/articles/{{slug}}/"
autolink = "first"

# The rating scale, best first: shown at /verdicts/, and next to every claim that has one.
[[verdicts]]
id = "true"
label = "True"
description = "The statement is accurate, as far as the cited sources establish."
[[verdicts]]
id = "misleading"
label = "Misleading"
description = "The statement contains accurate elements but gives a wrong overall impression."
[[verdicts]]
id = "false"
label = "False"
description = "The statement is inaccurate according to the cited sources."
[[verdicts]]
id = "unverified"
label = "Unverified"
scored = false                          # outside the numeric scale
description = "An opinion, a promise or a report the cited sources cannot confirm or refute."
"""

EXAMPLE_ARTICLE = """---
title: Mayor of Eastport Promises a New Bridge by Spring
date: {date}
tags: [eastport, infrastructure]
people:
  ada-quill: {{name: Ada Quill, role: Mayor of Eastport, aliases: [Quill]}}
  tom-brandt: {{name: Tom Brandt, role: Eastport council member}}
claims:
  - id: bridge-by-spring
    by: ada-quill
    quote: The bridge will be open to traffic by the first day of spring
    verdict: unverified
    review: The council has not yet approved the budget.
  - id: budget-doubled
    by: tom-brandt
    about: [ada-quill]
    text: The bridge's budget has doubled since last year.
---
Ada Quill, the mayor of the fictional town of Eastport, spoke to reporters on Monday.

"The bridge will be open to traffic by the first day of spring," Quill said.

Council member Tom Brandt [said the budget had doubled since last year](claim:budget-doubled).
"""

ABOUT_PAGE = """---
title: About
---
This site records who said what, and whether it holds up. It is built with ssg.
"""

TEMPLATES_README = """Templates of this site. Any file here overrides the default theme's file of the same name
(base.html, article.html, actor.html, partials/macros.html, ...); static/ is copied to the output's static/.
"""


def init_site(directory: Path, today: dt.date | None = None) -> list[Path]:
    """A new site: site.toml, one example article (fictional people), an about page, templates/."""
    if directory.exists() and any(directory.iterdir()):
        raise ScaffoldError(f"{directory} is not empty; choose a new folder")
    date = (today or dt.date.today()).isoformat()
    title = directory.resolve().name.replace("-", " ").title() or "My Site"
    files = {
        "site.toml": SITE_TOML.format(title=title.replace('"', "")),
        "content/articles/eastport-bridge.md": EXAMPLE_ARTICLE.format(date=date),
        "content/pages/about.md": ABOUT_PAGE,
        "templates/README.txt": TEMPLATES_README,
        ".gitignore": "build/\n.ssg-cache/\n",
    }
    created = [write_new(directory / rel, text) for rel, text in files.items()]
    for folder in ("content/actors", "templates/static"):
        (directory / folder).mkdir(parents=True, exist_ok=True)
    return created

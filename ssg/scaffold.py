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
draft: true
tags: []
people:                 # the actors of this article, by id:  id: {{name: ..., role: ...}}
  # example-id: {{name: Example Name, role: Example role}}
claims: []              # - id: ..., by: <actor id>, quote: <verbatim words> (or text: <paraphrase>)
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
---
Biography in Markdown.
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

[[verdicts]]
id = "true"
label = "True"
[[verdicts]]
id = "misleading"
label = "Misleading"
[[verdicts]]
id = "false"
label = "False"
[[verdicts]]
id = "unverified"
label = "Unverified"
scored = false
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

"""Every URL and output path of the site comes from here (SPEC §6): permalinks and the base_url's path prefix.

A *site path* is '/'-rooted and ignores the prefix (`/actors/putin/`); a *url* includes the prefix
(`/monitor/actors/putin/`); an *absolute url* adds the scheme and host; a *rel_path* is the output file
(`actors/putin/index.html`).
"""

from __future__ import annotations

import datetime as dt
import html
import posixpath
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

SLUG_FOLD = str.maketrans(
    {"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ı": "i", "đ": "d", "Đ": "D", "ß": "ss"}
    | {"æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D"}
)


def slugify(text: str) -> str:
    """ASCII, lower case, words joined by '-': used for tags and for `ssg new` file names."""
    text = unicodedata.normalize("NFKD", text.translate(SLUG_FOLD)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def tag_slug(tag: str) -> str:
    """A tag's name in URLs: its ASCII slug, or for a tag in another script (`мир`, `和平`) its letters, marks and
    digits joined by '-', lower case; '' when it has none (so '..' or '/' never reach a path)."""
    ascii_slug = slugify(tag)
    if ascii_slug:
        return ascii_slug
    kept = "".join(c if unicodedata.category(c)[0] in "LMN" else " " for c in tag.lower())
    return "-".join(kept.split())


@dataclass(frozen=True, slots=True)
class Urls:
    """URL building for one site: its base_url and permalink pattern."""

    base_url: str  # absolute, ends with '/'
    permalink: str = "/articles/{slug}/"

    @property
    def base_path(self) -> str:
        return urlsplit(self.base_url).path or "/"

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    # --- site paths -> urls ------------------------------------------------------------------------------

    def url(self, site_path: str) -> str:
        """`/actors/x/` -> `/monitor/actors/x/` (the URL used in links)."""
        return self.base_path + quote(site_path.lstrip("/"), safe="/#?=&%:@~+-._")

    def absolute(self, site_path: str) -> str:
        """`/actors/x/` -> `https://example.org/monitor/actors/x/`."""
        return self.origin + self.url(site_path)

    # --- the site's own paths -----------------------------------------------------------------------------

    def article_path(self, slug: str, date: dt.date) -> str:
        return self.permalink.format(
            slug=slug, year=f"{date.year:04d}", month=f"{date.month:02d}", day=f"{date.day:02d}"
        )

    @staticmethod
    def actor_path(actor_id: str) -> str:
        return f"/actors/{actor_id}/"

    @staticmethod
    def tag_path(tag: str) -> str:
        return f"/tags/{tag}/"

    @staticmethod
    def page_path(slug: str) -> str:
        return f"/{slug}/"

    @staticmethod
    def home_path(page_number: int) -> str:
        return "/" if page_number == 1 else f"/page/{page_number}/"

    @staticmethod
    def paged(first_path: str, page_number: int) -> str:
        """Page N of a paginated list whose first page is `first_path` (`/claims/`, 3 -> `/claims/page/3/`)."""
        return first_path if page_number == 1 else f"{first_path}page/{page_number}/"

    @classmethod
    def claims_path(cls, page_number: int = 1) -> str:
        """SPEC §6: every claim, newest first."""
        return cls.paged("/claims/", page_number)

    @classmethod
    def verdict_path(cls, verdict_id: str, page_number: int = 1) -> str:
        """SPEC §6: the claims with one verdict."""
        return cls.paged(f"/verdicts/{verdict_id}/", page_number)

    @classmethod
    def actor_claims_path(cls, actor_id: str, page_number: int = 1) -> str:
        """SPEC §6: every claim by an actor."""
        return cls.paged(f"/actors/{actor_id}/claims/", page_number)

    @classmethod
    def actor_about_path(cls, actor_id: str, page_number: int = 1) -> str:
        """SPEC §6: every claim about an actor."""
        return cls.paged(f"/actors/{actor_id}/about/", page_number)

    @classmethod
    def tag_page_path(cls, tag: str, page_number: int = 1) -> str:
        """A tag's articles, `articles_per_page` a page like the home page (SPEC §6: lists stay light)."""
        return cls.paged(f"/tags/{tag}/", page_number)

    @classmethod
    def actor_articles_path(cls, actor_id: str, page_number: int = 1) -> str:
        """Every article an actor appears in (an extension of SPEC §6: the actor page shows the newest)."""
        return cls.paged(f"/actors/{actor_id}/articles/", page_number)

    SEARCH_PATH = "/search/"  # the search box's results (SPEC §6: every page has a search box)
    SEARCH_INDEX = "/pagefind/"  # Pagefind's index and UI (SPEC §6)
    NETWORK_PATH = "/actors/network/"  # SPEC §6: who appears with whom (so no actor may have the id "network")

    @staticmethod
    def home_number(site_path: str) -> int:
        """The number of a home page from its path (`/page/3/` -> 3; `/` -> 1)."""
        number = site_path.strip("/").removeprefix("page/")
        return int(number) if number.isdigit() else 1

    @staticmethod
    def page_number(site_path: str) -> int:
        """The number of a page of any paginated list from its path (`/claims/page/3/` -> 3; `/claims/` -> 1)."""
        found = re.search(r"/page/(\d+)/$", site_path)
        return int(found.group(1)) if found else 1

    # --- output files ---------------------------------------------------------------------------------

    @staticmethod
    def rel_path(site_path: str) -> str:
        """The output file of a site path: folders get index.html (`/a/` -> `a/index.html`)."""
        path = site_path.lstrip("/")
        if not path or path.endswith("/"):
            return path + "index.html"
        return path

    def site_path_of_url(self, url: str) -> str | None:
        """`/monitor/x/` -> `/x/`; None when the url is outside the base path."""
        base = self.base_path
        if url == base.rstrip("/"):
            return "/"
        return "/" + url[len(base) :] if url.startswith(base) else None


def resolve_link(href: str, page_site_path: str) -> str | None:
    """The site path an internal link points to (query and fragment dropped); None for external links."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("//"):
        return None
    if not parts.path:
        return None  # '#fragment' or '?query' only: this page
    path = (
        parts.path
        if parts.path.startswith("/")
        else posixpath.join(posixpath.dirname(page_site_path + "x"), parts.path)
    )
    normal = posixpath.normpath(path)
    if path.endswith("/") and normal != "/":
        normal += "/"
    return normal


# --- URLs written by users (SPEC §3: the URL rule) --------------------------------------------------------------

SAFE_SCHEMES = ("http", "https", "mailto")
SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028\u2029\u2060\ufeff]")  # browsers drop or trip on


def url_problem(value: str) -> str | None:
    """Why a URL from front matter or site.toml is refused, or None: it must be http(s), mailto or a site-relative
    path (SPEC §3). Browsers ignore case, control characters, whitespace and entities (`jav&#x09;ascript:`) in a
    scheme, so the scheme is read with them removed; a URL holding control characters is refused outright."""
    if re.search(r"[\x00-\x1f\x7f]", value):
        return "it holds a control character"
    if "\\" in value:
        return "it holds a backslash (write '/')"
    folded = INVISIBLE.sub("", html.unescape(html.unescape(value)))
    scheme = SCHEME.match(folded)
    if scheme:
        if scheme.group(1).lower() in SAFE_SCHEMES:
            return None
        return f"the scheme '{scheme.group(1).lower()}:' is not allowed (use http:, https:, mailto: or a site path)"
    if ":" in folded.split("/", 1)[0]:
        return "it is not a plain site path (use http:, https:, mailto: or a site path)"
    if folded.startswith("//"):
        return "a URL without a scheme leads to another site (write 'https:' before it)"
    return None


def looks_like_url(value: str) -> bool:
    """A plain evidence string must be a URL (SPEC §3): it has a scheme or is a path, and holds no spaces."""
    return not re.search(r"\s", value) and (SCHEME.match(value) is not None or value.startswith(("/", "./", "../")))

"""ssg: a static site generator for annotated articles (who said what)."""

__version__ = "0.1.0"

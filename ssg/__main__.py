"""`python -m ssg`: the same as the `ssg` console script."""

from ssg.cli import main

main()

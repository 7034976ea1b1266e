"""`python -m lieu` is the `lieu` command."""

from lieu.cli import main

main()

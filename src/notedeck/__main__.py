"""``python -m notedeck``: the same command line as the ``notedeck`` script."""

from notedeck.commands.cli import main

main()

"""`python -m piggy_async.cli`: the `piggy` command without the installed entry point."""

from . import main

main()

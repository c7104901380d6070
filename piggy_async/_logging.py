"""`PIGGY_LOG=debug|info`: the `piggy_async` logger's output without code.

Read once, when `piggy_async` is imported. Set, it gives the logger that level and, unless
the application has configured logging itself, a handler printing to stderr. The log never
holds a secret or a query string (see the README's Errors section), whatever the level.
"""

from __future__ import annotations

import logging
import os
import warnings

from . import _defaults

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_from_env() -> None:
    """Apply `PIGGY_LOG` if it is set; warn about a value it cannot mean."""
    value = os.environ.get(_defaults.LOG_ENV, "").strip().lower()
    if not value:
        return
    level = _LEVELS.get(value)
    if level is None:
        warnings.warn(
            f"{_defaults.LOG_ENV}={value!r} is ignored: use one of {', '.join(_LEVELS)}",
            RuntimeWarning,
            stacklevel=2,
        )
        return
    logging.getLogger("piggy_async").setLevel(level)
    logging.basicConfig(format=FORMAT)  # does nothing where the application set logging up

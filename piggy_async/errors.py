"""Every exception the SDK raises, each importable here by its own name.

The common ones are also in `piggy_async` itself. The API answers most errors with HTTP 400
and says what went wrong in its error code, so an answer raises the class of its status and
of its code's kind at once: 55031 "Contact not found" with 400 raises
`NotFoundBadRequestError`, which `except NotFoundError` and `except BadRequestError` both
catch. Those combined classes, one for each status class and kind, are listed here too
(`NotFoundBadRequestError`, `ConflictBadRequestError`, ..., `NotFoundServerError`).

Every exception pickles and unpickles with its attributes, so errors cross process
boundaries (`concurrent.futures.ProcessPoolExecutor`, multiprocessing queues).
"""

from __future__ import annotations

from ._codecs import MissingKeyError
from ._errors import *  # noqa: F403
from ._errors import __all__ as _declared
from ._generated.error_classes import *  # noqa: F403
from ._generated.error_classes import __all__ as _combined
from ._generated.error_codes import ErrorCode
from .hooks import HookError

__all__ = [*_declared, *_combined, "ErrorCode", "HookError", "MissingKeyError"]

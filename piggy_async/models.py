"""Every API model: `from piggy_async.models import Contact, Reward`."""

from ._generated.models import *  # noqa: F403
from ._generated.models import __all__ as __all__

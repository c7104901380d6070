"""Generate `piggy_async/_generated/` from the YAML spec in `spec/`.

`load_spec` reads and validates the spec (`spec.py` and its `spec_*` modules), `render` turns
it into Python source (`render.py`), `generate`/`check` format it with ruff and write it or
compare it (`output.py`).
"""

from .output import check, generate
from .spec import Spec, SpecError, load_spec

__all__ = ["Spec", "SpecError", "check", "generate", "load_spec"]

"""Generate `piggy_async/_generated/` from the YAML spec in `spec/`.

Two packages and the step that joins them: `spec/` reads and validates the YAML into typed
objects (`load_spec`), `render/` turns those into Python source and `docs/api.md` (`render`),
and `output.py` formats the source with ruff and writes it, or compares it with the tree
(`generate`, `check`).
"""

from .output import check, generate
from .spec import Spec, SpecError, load_spec

__all__ = ["Spec", "SpecError", "check", "generate", "load_spec"]

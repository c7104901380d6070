"""`converter`: a cattrs converter for users who structure and unstructure by type.

`converter.structure(data, T)` and `converter.unstructure(value)` take the same path as the
client and `Model.from_dict`/`to_dict`: the functions generated from the spec (see
`_codecs.py`). It exists so code written against cattrs keeps working; the SDK itself never
goes through cattrs' dispatch.
"""

from __future__ import annotations

from typing import Any

import cattrs

from ._codecs import dump, structure

converter = cattrs.Converter(detailed_validation=False)
"""Structures API JSON into models and unstructures models into JSON-ready data."""


def _handles(_annotation: Any) -> bool:
    return True


converter.register_structure_hook_func(_handles, structure)
converter.register_unstructure_hook_func(_handles, dump)

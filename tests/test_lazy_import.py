"""`import piggy_async` loads no resource or model module: each loads on first use."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_resources_and_models_load_on_first_use() -> None:
    script = textwrap.dedent(
        """
        import sys
        import piggy_async

        loaded = lambda part: sorted(m for m in sys.modules if part in m)
        assert loaded("_generated.resources.") == [], loaded("_generated.resources.")
        assert loaded("_generated.models.") == [], loaded("_generated.models.")
        assert "cattrs" not in sys.modules
        assert "piggy_async._generated.error_classes" not in sys.modules  # with the first error

        client = piggy_async.OAuthClient(api_key="k")
        assert type(client.contacts).__name__ == "OAuthContacts"
        assert client.contacts is client.contacts
        assert loaded("_generated.resources.") == ["piggy_async._generated.resources.contacts"]
        assert "piggy_async._generated.models.contacts" in sys.modules

        from piggy_async.models import Contact

        assert piggy_async.converter.structure({"uuid": "c"}, Contact).uuid == "c"
        assert len(piggy_async.operations()) > 200
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True)

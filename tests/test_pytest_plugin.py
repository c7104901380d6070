"""The pytest plugin, as a user's project sees it: its fixtures and markers work with no
conftest.py (in a separate pytest run in a temporary folder), and it changes nothing for a
project that does not use them."""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLE = Path(__file__).parents[1] / "examples" / "user_tests" / "test_loyalty.py"


def test_a_users_tests_get_the_fixtures_with_no_conftest(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_loyalty=EXAMPLE.read_text(encoding="utf-8"))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=5)


def test_server_options_can_be_set_for_a_whole_module(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from piggy_async.testing import Faults

        pytestmark = pytest.mark.asyncio

        @pytest.fixture
        def piggy_server_options():
            return {"faults": Faults(error_503=1.0)}

        @pytest.fixture
        def piggy_client_options():
            return {"max_retries": 0}

        async def test_every_request_fails(piggy):
            from piggy_async import MaintenanceError
            with pytest.raises(MaintenanceError):
                await piggy.contacts.find_or_create(email="sandy@bikinibottom.sea")

        @pytest.mark.piggy_server(faults=Faults())
        async def test_a_marker_wins_over_the_fixture(piggy):
            await piggy.contacts.find_or_create(email="sandy@bikinibottom.sea")

        @pytest.mark.piggy_server("positional")
        async def test_a_positional_marker_argument_is_refused(piggy_server):
            pass
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*piggy_server takes keyword arguments only*"])


def test_the_plugin_is_inert_for_a_project_that_does_not_use_it(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import sys

        def test_no_fake_server_or_fixture_was_set_up(request):
            assert "piggy_async.testing" not in sys.modules
            assert "aiohttp.web" not in sys.modules
            assert not [name for name in request.fixturenames if "piggy" in name or name == "pos"]
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.piggy_server*", "@pytest.mark.piggy_client*"])
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)

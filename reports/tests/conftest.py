import pytest


@pytest.fixture
def county(world, settings, tmp_path):
    """The hand-built county of test_figures, recorded up to its as-of date (16 March 2024)."""
    from reports.tests.test_figures import build_until_as_of

    return build_until_as_of(world, settings, tmp_path)

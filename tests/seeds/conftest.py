"""The seed modules mix tests on the demo (`seeded_demo`, seeded once for the module and kept until its end) with
tests on the small `world` of the factories, whose users have some of the demo's usernames ("udp",
"coordinatore"): a `world` made after the demo is seeded cannot be created. In each seed module the tests on the
factories therefore run first, before the demo is seeded; otherwise the order is the file's."""

from pathlib import Path

import pytest

SEEDS = Path(__file__).parent


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    first_of_module: dict[Path, int] = {}
    for index, item in enumerate(items):
        first_of_module.setdefault(item.path, index)

    def key(indexed):
        index, item = indexed
        on_demo = item.path.parent == SEEDS and "seeded_demo" in getattr(item, "fixturenames", ())
        return (first_of_module[item.path], on_demo, index)

    items[:] = [item for _index, item in sorted(enumerate(items), key=key)]

"""Every app's tests are collected by `make test` (pytest.ini's testpaths), so CI runs them."""

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_tests_folder_is_in_testpaths():
    config = configparser.ConfigParser()
    config.read(ROOT / "pytest.ini")
    testpaths = set(config["pytest"]["testpaths"].split())
    folders = {path.parent.name for path in ROOT.glob("*/tests/__init__.py")} | {"tests"}
    assert folders - testpaths == set(), f"tests not collected by make test: {sorted(folders - testpaths)}"

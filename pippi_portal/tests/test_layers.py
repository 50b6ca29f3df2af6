"""The ground floor imports no app (make lint's import-linter contract), and does not reach one the hidden
way either: no `apps.get_model("<app>", …)`, no lazy model reference such as `"<app>.Model"`. Generic walks of
the app registry (`apps.get_models()`, each AppConfig's declarations) are how it learns about the apps. The
URL configuration and the settings, which mount and list the apps, are the exceptions."""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

FLOOR = Path(__file__).resolve().parent.parent
EXCEPTIONS = {FLOOR / "settings.py", FLOOR / "urls.py"}


def project_app_labels() -> set[str]:
    """The labels of the project's own apps (those whose code is in this repository), the floor's aside."""
    base = Path(settings.BASE_DIR).resolve()
    return {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base) and Path(config.path).resolve() != FLOOR
    }


def floor_modules() -> list[Path]:
    return [
        path
        for path in sorted(FLOOR.rglob("*.py"))
        if path not in EXCEPTIONS and "migrations" not in path.parts and ".venv" not in path.parts
    ]


def app_references(path: Path, labels: set[str]) -> list[str]:
    model_reference = re.compile(rf"^({'|'.join(map(re.escape, labels))})\.[A-Z]\w*$")
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and model_reference.match(node.value):
            found.append(f"{path.name}:{node.lineno} {node.value!r}")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"get_model", "get_app_config"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and str(node.args[0].value).split(".")[0] in labels
        ):
            found.append(f"{path.name}:{node.lineno} {node.func.attr}({node.args[0].value!r})")
    return found


@pytest.mark.parametrize("path", floor_modules(), ids=lambda path: str(path.relative_to(FLOOR)))
def test_the_ground_floor_reaches_no_app_by_name(path):
    labels = project_app_labels()
    assert {"equipes", "families"} <= labels  # the check looks for something
    found = app_references(path, labels)
    assert not found, f"pippi_portal names an app; read the registry instead or move the code up: {found}"


def test_the_check_sees_a_hidden_reference(tmp_path):
    module = tmp_path / "hidden.py"
    module.write_text(
        'from django.apps import apps\n\nFamily = apps.get_model("families", "Family")\nfk_target = "families.Family"\n'
    )
    assert len(app_references(module, project_app_labels())) == 2

"""Templates are compiled once per process: every page renders from the cached loader (django-template-partials
wraps Django's cached loader; see docs/benchmarks.md, "Code-level changes")."""

from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader


def loaders_below(loader) -> list:
    found = [loader]
    for inner in getattr(loader, "loaders", []):
        found += loaders_below(inner)
    return found


def test_pages_render_from_the_cached_template_loader():
    engine = engines["django"].engine
    every_loader = [found for loader in engine.template_loaders for found in loaders_below(loader)]
    assert any(isinstance(loader, CachedLoader) for loader in every_loader)

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Synthetic data: the demo (`seed_demo`), the scale seed (`seed_scale`) and the path walker the tests share.
    It has no models and sits above every other app; importing it loads no generator, so it may stay installed
    where Faker, a development dependency, is not."""

    name = "demo"
    verbose_name = "Dati dimostrativi"

from django.apps import AppConfig


class RolesConfig(AppConfig):
    name = "roles"
    verbose_name = "Role catalog"

    def ready(self) -> None:
        # Here, not at import: the handlers need the models, which load after the app registry.
        from roles import sync

        sync.connect()

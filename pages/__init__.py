"""Routes and layout. Each page resolves who the user is once, when it is built."""


def register() -> None:
    """Import the page modules, which register their routes with NiceGUI, and add the asset routes."""
    from pages import archives, assets, auth, home, invites, join, new_workspace, server_admin, workspace  # noqa: F401

    assets.register()

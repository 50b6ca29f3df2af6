"""The portal's icon: linked from every page and answered at /favicon.ico, which browsers ask for anyway."""

from django.test import Client


def test_favicon_ico_is_served_at_the_root_without_login(db):
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(response.streaming_content).startswith(b"\x00\x00\x01\x00")  # an ICO header


def test_every_page_links_the_icon_and_the_svg_icon_is_served(db):
    client = Client()
    page = client.get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in page
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page
    svg = client.get("/static/img/favicon.svg")
    assert svg.status_code == 200 and svg["Content-Type"].startswith("image/svg+xml")

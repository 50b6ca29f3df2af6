"""The header of the Bootstrap Italia look: the ambito's name as the brand (the user's; on the anonymous
questionnaire, the survey's), the navigation with the current section marked, the kit's stylesheet and no CDN."""

import re

from django.urls import reverse

from reporting.tests.conftest import make_links, make_survey


def brand(html: str) -> str:
    return re.search(r'<div class="it-brand-title">(.*?)</div>', html).group(1)


def test_a_logged_in_user_reads_the_name_of_their_ambito(world, client_for):
    html = client_for(world.users.case_manager).get(reverse("dashboard")).content.decode()
    assert brand(html) == world.ambito.name


def test_a_page_without_login_reads_the_portals_name(client, db):
    assert brand(client.get(reverse("account_login")).content.decode()) == "PIPPI Portal"


def test_the_anonymous_questionnaire_reads_the_surveys_ambito(client, world):
    survey = make_survey(world.project, world.users.ufficio_piano, title="Soddisfazione delle famiglie")
    link = make_links(survey, world.users.ufficio_piano, count=1).links.get()
    html = client.get(link.get_absolute_url()).content.decode()
    assert brand(html) == world.project.ambito.name


def test_the_current_section_is_marked_in_the_navigation(world, client_for):
    client = client_for(world.users.case_manager)
    html = client.get(reverse("families:family-list")).content.decode()
    families = re.search(r'<a class="nav-link[^"]*"[^>]*href="/famiglie/"[^>]*>', html).group(0)
    assert "active" in families and 'aria-current="true"' in families
    dashboard = re.search(r'<a class="nav-link[^"]*"[^>]*href="/"[^>]*>', html).group(0)
    assert "active" not in dashboard
    html = client.get(reverse("dashboard")).content.decode()
    assert re.search(r'<a class="nav-link active" href="/" aria-current="page">', html)


def test_the_page_loads_bootstrap_italia_from_the_portals_own_files(world, client_for):
    html = client_for(world.users.case_manager).get(reverse("dashboard")).content.decode()
    assert "/static/vendor/bootstrap-italia/bootstrap-italia.min.css" in html
    assert "vendor/bootstrap/bootstrap.min.css" not in html
    assert not re.search(r'(src|href)="(https?:)?//', html)

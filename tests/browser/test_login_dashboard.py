PASSWORD = "una-password-di-prova-2026"


def test_assistente_logs_in_and_reaches_the_dashboard(world, page, live_server, login):
    user = world.users.case_manager
    user.set_password(PASSWORD)
    user.save()
    login("assistente", PASSWORD)
    assert page.url == f"{live_server.url}/"
    assert page.get_by_role("heading", name="Cruscotto").is_visible()
    assert page.get_by_text(world.project.cup).is_visible()
    assert page.get_by_role("link", name="Équipe Alfa").is_visible()


def test_wrong_password_keeps_the_user_on_the_login_page_with_an_italian_message(world, page, live_server, login):
    login("assistente", "sbagliata-del-tutto")
    assert "/accounts/login/" in page.url
    assert page.get_by_text("non sono corretti").is_visible()


def test_login_page_has_no_accessibility_violation(db, page, live_server, axe_violations):
    page.goto(f"{live_server.url}/accounts/login/")
    assert axe_violations(page) == []


def test_dashboard_has_no_accessibility_violation(world, page, login, axe_violations):
    user = world.users.case_manager
    user.set_password(PASSWORD)
    user.save()
    login("assistente", PASSWORD)
    assert axe_violations(page) == []

def sign_in(page, base_url, username, password="demo1234"):
    page.goto(base_url + "/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    # Wait for the answer: the next step's navigation would otherwise race the sign-in's cookies.
    with page.expect_navigation():
        page.click("button[type=submit]")


def test_agent_signs_in_on_a_phone_and_sees_home_in_french(demo_server, phone):
    sign_in(phone, demo_server.url, "agent.kadiolo")
    phone.wait_for_selector("h1")
    assert phone.inner_text("h1") == "Bonjour, Seydou"
    body = phone.inner_text("body")
    assert "Mon coaching" in body and "CSCom Kadiolo-Centre (démo)" in body
    assert phone.evaluate("document.documentElement.lang") == "fr"
    # Nothing spills sideways on a 360 px screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_wrong_password_stays_on_login_with_a_french_message(demo_server, phone):
    sign_in(phone, demo_server.url, "agent.kadiolo", "mauvais-mot")
    assert "incorrect" in phone.inner_text("form")


def test_phone_number_login_and_english_switch(demo_server, phone):
    sign_in(phone, demo_server.url, "76 00 01 01")
    phone.wait_for_selector("h1")
    phone.click("button[name=language][value=en]")
    phone.wait_for_selector("text=My coaching")
    assert phone.inner_text("h1") == "Hello, Seydou"

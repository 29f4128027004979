"""Each user's language: the one their alerts and notices are written in (see health's test_notice_language)."""

from django.conf import settings
from django.urls import reverse


def test_a_user_chooses_their_language_from_the_profile_and_the_interface_follows(client, people):
    client.force_login(people.doctor)
    profile = client.get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("accounts:language") in profile and "Your alerts and notices are written in: Chinese" in profile
    response = client.post(reverse("accounts:language"), {"language": "en"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:profile")
    people.doctor.refresh_from_db()
    assert people.doctor.language == "en"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Your alerts and notices are written in: English" in client.get(reverse("accounts:profile")).content.decode()
    assert client.post(reverse("accounts:language"), {"language": "fr"}).status_code == 200  # not offered
    people.doctor.refresh_from_db()
    assert people.doctor.language == "en"


def test_the_footer_menu_saves_the_language_of_a_signed_in_user_for_their_notices_and_next_login(client, people):
    client.force_login(people.doctor)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/areas/"})
    assert response.status_code == 302 and response["Location"] == "/areas/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    people.doctor.refresh_from_db()
    assert people.doctor.language == "en"
    client.post(reverse("set_language"), {"language": "fr", "next": "/areas/"})  # not offered: nothing saved
    people.doctor.refresh_from_db()
    assert people.doctor.language == "en"
    # The next login, on a device without the cookie, is in English, whatever the browser asks for.
    client.logout()
    client.cookies.clear()
    people.doctor.set_password("secret-pass-1")
    people.doctor.save()
    login = client.post(
        reverse("login"), {"username": "doctor", "password": "secret-pass-1"}, HTTP_ACCEPT_LANGUAGE="zh"
    )
    assert login.status_code == 302 and client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="zh").content.decode()
    assert 'lang="en"' in page


def test_the_footer_menu_before_signing_in_sets_only_the_cookie_and_survives_the_login(client, people):
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    people.village_officer.set_password("secret-pass-1")
    people.village_officer.save()
    client.post(reverse("login"), {"username": "village_officer", "password": "secret-pass-1"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    people.village_officer.refresh_from_db()
    assert people.village_officer.language == settings.LANGUAGE_CODE

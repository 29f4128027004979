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

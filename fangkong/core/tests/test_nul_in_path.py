"""A NUL character in any URL's text part is a 404, never a 500 (PostgreSQL refuses NUL in a string)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import StringConverter


def text_urls():
    """Every named URL with a text part, with NUL in each text part and 1 for each number."""

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace]))
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                converters = pattern.pattern.converters
                if any(isinstance(converter, StringConverter) for converter in converters.values()):
                    name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                    kwargs = {
                        key: "61\x0001" if isinstance(converter, StringConverter) else 1
                        for key, converter in converters.items()
                    }
                    yield name, reverse(name, kwargs=kwargs)

    return sorted(set(walk(get_resolver().url_patterns, "")))


@pytest.mark.parametrize(("name", "url"), text_urls(), ids=[name for name, _url in text_urls()])
def test_a_nul_in_the_path_is_no_page(client, people, name, url):
    assert "%00" in url
    assert client.get(url).status_code == 404
    client.force_login(people.city_commander)
    assert client.get(url).status_code == 404

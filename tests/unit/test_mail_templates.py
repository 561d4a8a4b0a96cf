"""Every e-mail renders in English and French, as plain text and escaped HTML."""

from __future__ import annotations

import pytest

from stoflow.mail import Template, find_links, render

LINK = "https://app.stoflow.test/reset-password?token=abc&next=%2Fdashboard"
CONTEXT: dict[Template, dict[str, str]] = {
    Template.verify_email: {"link": LINK, "display_name": "Anna"},
    Template.reset_password: {"link": LINK, "display_name": "Anna"},
    Template.password_changed: {"forgot_link": LINK, "display_name": "Anna"},
    Template.account_deleted: {"display_name": "Anna"},
    Template.account_exists: {"sign_in_link": LINK, "forgot_link": LINK, "display_name": "Anna"},
}
# Sent to an address whose owner may not be whoever registered it (and typed the name).
LINK_TO_AN_UNPROVEN_ADDRESS = {Template.verify_email, Template.reset_password}


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("template", list(Template))
def test_every_template_renders_in_both_languages(template: Template, language: str) -> None:
    email = render(template, language, **CONTEXT[template])
    assert email.subject.strip() and email.text.strip() and email.html.strip()
    if template in LINK_TO_AN_UNPROVEN_ADDRESS:
        assert "Anna" not in email.text and "Anna" not in email.html
    else:
        assert "Anna" in email.text and "Anna" in email.html
    assert f'<html lang="{language}">' in email.html
    if template is not Template.account_deleted:
        assert find_links(email.text) == [LINK]
        assert f'href="{LINK.replace("&", "&amp;")}"' in email.html


def test_the_two_languages_differ_and_unknown_languages_get_english() -> None:
    english = render(Template.verify_email, "en", **CONTEXT[Template.verify_email])
    french = render(Template.verify_email, "fr", **CONTEXT[Template.verify_email])
    assert english.subject != french.subject and english.text != french.text
    assert render(Template.verify_email, "de", **CONTEXT[Template.verify_email]) == english


@pytest.mark.parametrize(
    ("template", "language", "says"),
    [
        (Template.verify_email, "en", ["24 hours", "only once", "did not create"]),
        (Template.verify_email, "fr", ["24 heures", "une seule fois", "n'avez pas créé"]),
        (Template.reset_password, "en", ["1 hour", "only once", "did not ask"]),
        (Template.reset_password, "fr", ["1 heure", "une seule fois", "pas à l'origine"]),
        (Template.password_changed, "en", ["If it was not you, reset your password"]),
        (Template.password_changed, "fr", ["Si ce n'était pas vous, réinitialisez votre mot de passe"]),
        (Template.account_deleted, "en", ["deleted"]),
        (Template.account_deleted, "fr", ["supprimés"]),
        (Template.account_exists, "en", ["You already have an account", "If it was not you"]),
        (Template.account_exists, "fr", ["Vous avez déjà un compte", "Si ce n'était pas vous"]),
    ],
)
def test_what_each_email_tells_the_reader(template: Template, language: str, says: list[str]) -> None:
    text = render(template, language, **CONTEXT[template]).text
    assert all(phrase in text for phrase in says), text


def test_every_interpolated_value_is_escaped_in_html() -> None:
    email = render(Template.password_changed, "en", forgot_link='https://x.test/?a="b"&c=<d>', display_name="Bob & Co")
    assert "Hello Bob &amp; Co," in email.html
    assert 'href="https://x.test/?a=&quot;b&quot;&amp;c=&lt;d&gt;"' in email.html
    assert "Hello Bob & Co," in email.text


@pytest.mark.parametrize(
    "name",
    [
        "Visit evil.example/phish",
        "http://evil.example",
        "https://evil.example",
        "EVIL.EXAMPLE",
        "www.evil.example",
        "support@evil.example",
        "evil。example",  # an ideographic full stop, a dot to IDNA
        "ｅｖｉｌ．ｅｘａｍｐｌｅ",  # full-width letters and dot
        "bit.ly/x",
        "10.0.0.1",
        "<a href=x>Anna</a>",
        "Anna " + "x" * 80,
    ],
)
@pytest.mark.parametrize("template", list(Template))
def test_a_display_name_that_could_become_a_link_never_reaches_an_email(template: Template, name: str) -> None:
    context = {**CONTEXT[template], "display_name": name}
    for language in ("en", "fr"):
        email = render(template, language, **context)
        links = [] if template is Template.account_deleted else [LINK]
        assert find_links(email.text) == links
        assert email.text.splitlines()[0] in ("Hello,", "Bonjour,")
        assert "evil" not in email.text.lower() and "ｅｖｉｌ" not in email.text and "bit" not in email.text
        assert "evil" not in email.html.lower() and "ｅｖｉｌ" not in email.html


@pytest.mark.parametrize("name", ["Anna", "Anne-Marie O'Neill", "J. Smith & Co", "Zoë Friperie 2", "Łucja Ślązak"])
def test_an_ordinary_name_still_greets_the_owner(name: str) -> None:
    email = render(Template.password_changed, "en", forgot_link=LINK, display_name=name)
    assert email.text.splitlines()[0] == f"Hello {name},"


def test_a_link_must_be_http() -> None:
    with pytest.raises(ValueError):
        render(Template.verify_email, "en", link="javascript:alert(1)", display_name="")


def test_a_missing_value_is_an_error() -> None:
    with pytest.raises(TypeError):
        render(Template.password_changed, "en", display_name="Anna")

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


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("template", list(Template))
def test_every_template_renders_in_both_languages(template: Template, language: str) -> None:
    email = render(template, language, **CONTEXT[template])
    assert email.subject.strip() and email.text.strip() and email.html.strip()
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
    email = render(Template.reset_password, "en", link='https://x.test/?a="b"&c=<d>', display_name="<b>Bob</b> & Co")
    assert "<b>" not in email.html and "&lt;b&gt;Bob&lt;/b&gt; &amp; Co" in email.html
    assert 'href="https://x.test/?a=&quot;b&quot;&amp;c=&lt;d&gt;"' in email.html
    assert "Hello <b>Bob</b> & Co," in email.text


def test_a_link_must_be_http() -> None:
    with pytest.raises(ValueError):
        render(Template.verify_email, "en", link="javascript:alert(1)", display_name="")


def test_a_missing_value_is_an_error() -> None:
    with pytest.raises(TypeError):
        render(Template.password_changed, "en", display_name="Anna")

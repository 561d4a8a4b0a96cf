"""The interface language: a cookie for everyone, saved to the profile when signed in."""

from __future__ import annotations

import reflex as rx

from stoflow.i18n import LANGUAGES

ONE_YEAR_S = 365 * 24 * 3600


class LanguageState(rx.State):
    """The current language; the `stoflow_lang` cookie is not a secret (page JS may read it)."""

    chosen: str = rx.Cookie("", name="stoflow_lang", max_age=ONE_YEAR_S, same_site="lax")

    @rx.var
    def lang(self) -> str:
        """The chosen language, else the browser's preference, else English."""
        if self.chosen in LANGUAGES:
            return self.chosen
        preferred = self.router.headers.accept_language.lower()
        return "fr" if preferred.startswith("fr") else "en"

    async def _choose(self, language: object) -> bool:
        """Switch to `language`; saved to the account when signed in. False if unknown."""
        if not isinstance(language, str) or language not in LANGUAGES:
            return False
        self.chosen = language
        from stoflow.state.session import SessionState

        session = await self.get_state(SessionState)
        session._save_language(language)
        return True

    @rx.event
    async def set_language(self, language: str | list[str]) -> None:
        await self._choose(language)

"""Gemini, through the google-genai SDK: the only module that imports it.

Two calls, both asking for JSON that follows a response schema:

- `fill_from_photos`: the item's photos in, category / brand / colours / materials /
  condition / size / details out, checked against the reference data (`AllowedValues`);
- `write_listing`: the product's attributes in, a title and description out, in the seller's
  language and the marketplace's style, the title cut to the marketplace's limit.

Each returns `(result, Usage)`; `Usage` has the token counts of the answer's `usageMetadata`
and their cost in euros (`PRICES_USD_PER_MILLION`). Every failure is an `AiError` whose `code`
is an i18n key (`stoflow.texts.ai`); the detail goes to the log. Nothing here touches the
seller's product: a failed call changes nothing, so edits are never lost.

The calls are blocking (a few seconds): run them in a Celery task or, from a Reflex
background event, with `await asyncio.to_thread(...)`.

`base_url` points the client at another server speaking the same REST contract, such as the
sandbox simulator (`python -m sandbox.gemini`); None is Google's endpoint.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, TypeVar

import httpx
import tenacity
from google import genai
from google.genai import errors as genai_errors
from google.genai import types
from pydantic import BaseModel, ValidationError

from stoflow.ai.listing import (
    FILL_SYSTEM,
    LISTING_SCHEMA,
    TITLE_LIMITS,
    WRITE_SYSTEM,
    AllowedValues,
    FillAnswer,
    FillResult,
    Language,
    ListingAnswer,
    ListingText,
    Marketplace,
    fill_prompt,
    fill_schema,
    fit_title,
    validate_fill,
    write_prompt,
)

try:  # the SDK's default HTTP backend; plain httpx is used when it is absent
    import httpx2

    _TRANSPORT_ERRORS: tuple[type[Exception], ...] = (httpx.TransportError, httpx2.TransportError)
except ImportError:  # pragma: no cover
    _TRANSPORT_ERRORS = (httpx.TransportError,)

log = logging.getLogger(__name__)

DEFAULT_MODEL = "gemini-2.5-flash"
# google-genai 3.x defaults to v1; v1beta is the version documented for responseJsonSchema and
# thinkingConfig, and the one the simulator's contract test pins.
API_VERSION = "v1beta"

# Gemini Developer API, paid tier, USD per 1 million tokens: (input, output). Output includes
# the model's thinking tokens, billed as output. Source: ai.google.dev/gemini-api/docs/pricing
# (2.5 Pro: prompts up to 200k tokens, far above ours). Check it when changing the model.
PRICES_USD_PER_MILLION: dict[str, tuple[Decimal, Decimal]] = {
    "gemini-2.5-flash": (Decimal("0.30"), Decimal("2.50")),
    "gemini-2.5-flash-lite": (Decimal("0.10"), Decimal("0.40")),
    "gemini-2.5-pro": (Decimal("1.25"), Decimal("10.00")),
    "gemini-2.0-flash": (Decimal("0.10"), Decimal("0.40")),
    "gemini-2.0-flash-lite": (Decimal("0.075"), Decimal("0.30")),
}
# Fixed conversion for cost reports (not for invoices); update with the price table.
USD_TO_EUR = Decimal("0.86")

MAX_PHOTOS = 10
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp", "image/heic", "image/heif")
DEFAULT_TIMEOUT_S = 60.0
RETRIES = 2  # after the first attempt, on 503 / 504 only
# Candidate finish reasons that mean the answer was withheld for its content.
_BLOCKED_FINISH = {"SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "IMAGE_SAFETY", "RECITATION"}
_TRANSIENT_STATUS = {503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}

AiErrorCode = Literal[
    "ai_not_configured",
    "ai_unreachable",
    "ai_quota_exhausted",
    "ai_blocked",
    "ai_invalid_answer",
    "ai_key_rejected",
    "ai_request_rejected",
]


@dataclass(frozen=True)
class Usage:
    """Tokens one call used (from the answer's usageMetadata) and what they cost."""

    model: str
    input_tokens: int
    output_tokens: int
    cost_eur: Decimal


class AiError(Exception):
    """An AI call that gave nothing usable. `code` is an i18n key; `usage` is set when tokens were spent."""

    def __init__(self, code: AiErrorCode, detail: str = "", usage: Usage | None = None) -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code: AiErrorCode = code
        self.detail = detail
        self.usage = usage


def price_of(model: str) -> tuple[Decimal, Decimal]:
    """USD per million (input, output) tokens; versioned names (…-preview-05-20) use their family."""
    family = max((name for name in PRICES_USD_PER_MILLION if model.startswith(name)), key=len, default=None)
    if family is None:
        log.warning("No price known for Gemini model %s: counting it at the highest known price.", model)
        return max(PRICES_USD_PER_MILLION.values(), key=lambda price: price[1])
    return PRICES_USD_PER_MILLION[family]


def usage_of(model: str, metadata: types.GenerateContentResponseUsageMetadata | None) -> Usage:
    input_tokens = (metadata.prompt_token_count or 0) if metadata else 0
    output_tokens = ((metadata.candidates_token_count or 0) + (metadata.thoughts_token_count or 0)) if metadata else 0
    input_price, output_price = price_of(model)
    cost_usd = (input_tokens * input_price + output_tokens * output_price) / Decimal(1_000_000)
    return Usage(model, input_tokens, output_tokens, (cost_usd * USD_TO_EUR).quantize(Decimal("0.000001")))


def _is_transient(error: BaseException) -> bool:
    return isinstance(error, genai_errors.APIError) and (
        error.code in _TRANSIENT_STATUS or error.status in _TRANSIENT_STATUS.values()
    )


def _error_from_api(error: genai_errors.APIError) -> AiError:
    detail = f"{error.code} {error.status}: {error.message}"
    body = error.details if isinstance(error.details, dict) else {}
    reasons = {item.get("reason") for item in body.get("error", {}).get("details", []) if isinstance(item, dict)}
    if error.code == 429 or error.status == "RESOURCE_EXHAUSTED":
        return AiError("ai_quota_exhausted", detail)
    if error.code in (401, 403) or "API_KEY_INVALID" in reasons or error.status == "UNAUTHENTICATED":
        return AiError("ai_key_rejected", detail)
    if error.code >= 500:
        return AiError("ai_unreachable", detail)
    return AiError("ai_request_rejected", detail)


_Answer = TypeVar("_Answer", bound=BaseModel)


class GeminiClient:
    """Gemini for listings. Without an API key every call raises `AiError("ai_not_configured")`."""

    def __init__(
        self,
        api_key: str | None,
        base_url: str | None = None,
        model: str = DEFAULT_MODEL,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        retry_wait_s: float = 0.5,
    ) -> None:
        self.model = model
        self.base_url = base_url
        # The SDK needs a key even for another base URL (the simulator checks it too).
        self._client = (
            genai.Client(
                api_key=api_key,
                http_options=types.HttpOptions(
                    base_url=base_url, api_version=API_VERSION, timeout=int(timeout_s * 1000)
                ),
            )
            if api_key
            else None
        )
        self._retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception(_is_transient),
            stop=tenacity.stop_after_attempt(1 + RETRIES),
            wait=tenacity.wait_exponential(multiplier=retry_wait_s, max=4 * retry_wait_s),
            before_sleep=lambda state: log.info("Gemini unavailable, retry %d", state.attempt_number),
            reraise=True,
        )

    @classmethod
    def from_settings(cls) -> GeminiClient:
        from stoflow.config import get_settings

        settings = get_settings()
        key = settings.google_api_key.get_secret_value() if settings.google_api_key else None
        return cls(key, base_url=settings.gemini_base_url, model=settings.gemini_model)

    @property
    def configured(self) -> bool:
        return self._client is not None

    # --- the two calls ---------------------------------------------------------------------

    def fill_from_photos(
        self,
        photos: Sequence[tuple[bytes, str]],
        *,
        language: Language,
        allowed: AllowedValues,
        note: str | None = None,
    ) -> tuple[FillResult, Usage]:
        """Propose the product's attributes from its photos ((bytes, mime type) pairs, at most 10).

        Values outside `allowed` are dropped and listed in `FillResult.dropped`; `details` are in
        `language`. `note` is the seller's own words about the item, if any.
        """
        if not photos:
            raise ValueError("fill_from_photos needs at least one photo")
        parts = [types.Part.from_text(text=fill_prompt(language=language, note=note))]
        for data, mime_type in photos[:MAX_PHOTOS]:
            if mime_type not in PHOTO_TYPES:
                raise ValueError(f"unsupported photo type {mime_type}")
            parts.append(types.Part.from_bytes(data=data, mime_type=mime_type))
        config = self._config(FILL_SYSTEM, fill_schema(allowed), temperature=0.2)
        answer, usage = self._generate(parts, config, FillAnswer)
        result = validate_fill(answer, allowed)
        if result.dropped:
            log.info("Gemini proposed values outside the reference data: %s", result.dropped)
        return result, usage

    def write_listing(
        self, attributes: Mapping[str, Any], *, language: Language, marketplace: Marketplace
    ) -> tuple[ListingText, Usage]:
        """A title and description for `marketplace`, in `language`, from the product's attributes.

        Attributes are display labels (as for `template_listing`); the title is cut on a word
        boundary to the marketplace's limit if the model wrote more.
        """
        prompt = write_prompt(attributes, language=language, marketplace=marketplace)
        config = self._config(WRITE_SYSTEM, LISTING_SCHEMA, temperature=0.7)
        answer, usage = self._generate([types.Part.from_text(text=prompt)], config, ListingAnswer)
        title = fit_title(answer.title, TITLE_LIMITS[marketplace])
        return ListingText(title=title, description=answer.description.strip()), usage

    # --- plumbing --------------------------------------------------------------------------

    def _config(self, system: str, schema: dict[str, Any], *, temperature: float) -> types.GenerateContentConfig:
        # 2.5 Flash thinks by default: slower and billed as output, for no gain on these tasks.
        # (2.5 Pro cannot turn thinking off, so it is left to its default.)
        thinking = types.ThinkingConfig(thinking_budget=0) if self.model.startswith("gemini-2.5-flash") else None
        return types.GenerateContentConfig(
            system_instruction=system,
            response_mime_type="application/json",
            response_json_schema=schema,
            temperature=temperature,
            max_output_tokens=4096,
            thinking_config=thinking,
        )

    def _generate(
        self, parts: list[types.Part], config: types.GenerateContentConfig, answer_type: type[_Answer]
    ) -> tuple[_Answer, Usage]:
        if self._client is None:
            raise AiError("ai_not_configured", "GOOGLE_API_KEY is not set")
        call: Callable[..., types.GenerateContentResponse] = self._client.models.generate_content
        try:
            response = self._retrying(
                call, model=self.model, contents=[types.Content(role="user", parts=parts)], config=config
            )
        except genai_errors.APIError as error:
            ai_error = _error_from_api(error)
            log.warning("Gemini call failed (%s): %s", ai_error.code, ai_error.detail)
            raise ai_error from error
        except _TRANSPORT_ERRORS as error:
            log.warning("Gemini unreachable at %s: %r", self.base_url or "Google", error)
            raise AiError("ai_unreachable", repr(error)) from error
        usage = usage_of(self.model, response.usage_metadata)
        return self._answer(response, answer_type, usage), usage

    @staticmethod
    def _answer(response: types.GenerateContentResponse, answer_type: type[_Answer], usage: Usage) -> _Answer:
        feedback = response.prompt_feedback
        if feedback is not None and feedback.block_reason:
            raise AiError("ai_blocked", f"prompt blocked: {feedback.block_reason}", usage)
        if not response.candidates:
            raise AiError("ai_invalid_answer", "no candidate in the answer", usage)
        candidate = response.candidates[0]
        finish = str(getattr(candidate.finish_reason, "value", candidate.finish_reason) or "")
        if finish in _BLOCKED_FINISH:
            raise AiError("ai_blocked", f"answer withheld: {finish}", usage)
        parts = candidate.content.parts if candidate.content and candidate.content.parts else []
        text = "".join(part.text for part in parts if part.text and not part.thought)
        try:
            return answer_type.model_validate(json.loads(text))
        except (ValueError, ValidationError) as error:  # JSONDecodeError is a ValueError
            log.warning("Gemini answer does not follow the schema (finish %s): %.300s", finish, text)
            raise AiError("ai_invalid_answer", str(error)[:300], usage) from error

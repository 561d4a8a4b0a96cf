"""A Gemini API simulator: `POST /v1beta/models/{model}:generateContent`, offline and deterministic.

It answers the REST contract of Google's Generative Language API closely enough for the
google-genai SDK: the API key (`x-goog-api-key` header or `?key=`), the request body
(`contents[].parts[]` with `text` or `inlineData{mimeType, data}`, `systemInstruction`,
`generationConfig` with `responseMimeType` and `responseSchema` / `responseJsonSchema`),
answers with `candidates`, `finishReason`, `usageMetadata`, `promptFeedback`, and errors as
`{"error": {"code", "message", "status", "details"}}`.

Answers are deterministic: with images, a JSON value following the response schema whose
enum picks come from the sha256 of the image bytes; text only, a title and description
built from the product attributes in the prompt (see `stoflow.ai.listing.write_prompt`).

Like Google's proto-JSON parser, it accepts field names in lowerCamelCase or as in the proto
(`mimeType` or `mime_type`: google-genai sends some of each) and base64 in either alphabet.

Words anywhere in the request's text inject faults, for tests and demos:

| word                 | answer                                                      |
|----------------------|-------------------------------------------------------------|
| SIM_BLOCK            | 200, `promptFeedback.blockReason: SAFETY`, no candidates    |
| SIM_SAFETY           | 200, one candidate with `finishReason: SAFETY`, no content  |
| SIM_QUOTA            | 429 RESOURCE_EXHAUSTED                                      |
| SIM_UNAVAILABLE_ONCE | 503 UNAVAILABLE the first time this exact body is sent      |
| SIM_UNAVAILABLE      | 503 UNAVAILABLE every time                                  |
| SIM_INVALID_JSON     | 200, a text part that is not JSON                           |
| SIM_INVENT           | enum values that are not in the schema's enum               |
| SIM_SLOW             | answers after 3 seconds                                     |

`GET /_sim/requests` lists the requests received (path, query, headers, JSON body);
`DELETE /_sim/requests` forgets them.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import json
import random
import re
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

DEFAULT_API_KEY = "sandbox-gemini-key"
API_VERSIONS = ("v1beta", "v1")
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/heic", "image/heif")
# Tokens Gemini counts for one image up to 384 px a side (larger ones are tiled).
IMAGE_TOKENS = 258
SLOW_SECONDS = 3.0

REQUEST_FIELDS = {
    "contents",
    "systemInstruction",
    "generationConfig",
    "safetySettings",
    "tools",
    "toolConfig",
    "cachedContent",
    "labels",
}
GENERATION_CONFIG_FIELDS = {
    "temperature",
    "topP",
    "topK",
    "candidateCount",
    "maxOutputTokens",
    "stopSequences",
    "seed",
    "presencePenalty",
    "frequencyPenalty",
    "responseMimeType",
    "responseSchema",
    "responseJsonSchema",
    "responseModalities",
    "responseLogprobs",
    "logprobs",
    "thinkingConfig",
    "mediaResolution",
}
PART_DATA_FIELDS = {"text", "inlineData", "fileData", "functionCall", "functionResponse", "executableCode"}
PART_FIELDS = PART_DATA_FIELDS | {"thought", "thoughtSignature", "videoMetadata", "mediaResolution"}

BRANDS = ("Levi's", "Zara", "Sézane", "Carhartt", "Ralph Lauren", "Petit Bateau", "Nike", "Maje")
DETAILS = {
    "en": ("Straight cut", "Zipped pockets", "Embroidered logo", "Slight pilling on the sleeves", "Lined"),
    "fr": ("Coupe droite", "Poches zippées", "Logo brodé", "Légère bouloche sur les manches", "Doublé"),
}
STATUS_NAMES = {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 405: "NOT_FOUND"}


@dataclass
class SimulatorState:
    api_key: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    failed_once: set[str] = field(default_factory=set)


class GoogleError(Exception):
    def __init__(self, code: int, status: str, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.code, self.status, self.message, self.details = code, status, message, details or []

    def response(self) -> JSONResponse:
        error: dict[str, Any] = {"code": self.code, "message": self.message, "status": self.status}
        if self.details:
            error["details"] = self.details
        return JSONResponse({"error": error}, status_code=self.code)


def _invalid(message: str) -> GoogleError:
    return GoogleError(400, "INVALID_ARGUMENT", message)


# --- request checks -----------------------------------------------------------------------------


def _check_key(request: Request, expected: str) -> None:
    key = request.headers.get("x-goog-api-key") or request.query_params.get("key")
    if not key:
        raise GoogleError(
            403,
            "PERMISSION_DENIED",
            "Method doesn't allow unregistered callers (callers without established identity). "
            "Please use API Key or other form of API consumer identity to call this API.",
        )
    if key != expected:
        raise GoogleError(
            400,
            "INVALID_ARGUMENT",
            "API key not valid. Please pass a valid API key.",
            [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "API_KEY_INVALID",
                    "domain": "googleapis.com",
                    "metadata": {"service": "generativelanguage.googleapis.com"},
                }
            ],
        )


def _decode_base64(value: Any, where: str) -> bytes:
    if not isinstance(value, str) or not value:
        raise _invalid(f"* GenerateContentRequest.{where}: data is required")
    # Proto-JSON bytes: standard or URL-safe alphabet, padding optional.
    padded = value + "=" * (-len(value) % 4)
    try:
        return base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raise _invalid(
            f"Invalid value at '{where}' (TYPE_BYTES), Base64 decoding failed for \"{value[:20]}\""
        ) from None


@dataclass
class _Prompt:
    text: str
    images: list[bytes]


def _check_parts(parts: Any, where: str, prompt: _Prompt) -> None:
    if not isinstance(parts, list) or not parts:
        raise _invalid(f"* GenerateContentRequest.{where}.parts: contents.parts must not be empty.")
    for index, part in enumerate(parts):
        at = f"{where}.parts[{index}]"
        if not isinstance(part, dict):
            raise _invalid(f"Invalid value at '{at}': expected an object")
        unknown = set(part) - PART_FIELDS
        if unknown:
            raise _invalid(
                f"Invalid JSON payload received. Unknown name \"{sorted(unknown)[0]}\" at '{at}': Cannot find field."
            )
        data_fields = set(part) & PART_DATA_FIELDS
        if len(data_fields) != 1:
            raise _invalid(
                f"* GenerateContentRequest.{at}.data: required oneof field 'data' must have one initialized field"
            )
        if "text" in part:
            if not isinstance(part["text"], str):
                raise _invalid(f"Invalid value at '{at}.text' (TYPE_STRING)")
            prompt.text += part["text"] + "\n"
        elif "inlineData" in part:
            inline = part["inlineData"]
            if not isinstance(inline, dict) or set(inline) - {"mimeType", "data", "displayName"}:
                raise _invalid(f"Invalid JSON payload received. Unknown name at '{at}.inline_data': Cannot find field.")
            mime = inline.get("mimeType")
            if not mime:
                raise _invalid(f"* GenerateContentRequest.{at}.inline_data.mime_type: mime_type is required")
            if mime not in IMAGE_TYPES:
                raise _invalid(f"Unsupported MIME type: {mime}")
            prompt.images.append(_decode_base64(inline.get("data"), f"{at}.inline_data.data"))


# User data inside these keys keeps its names (a schema's property names are not fields).
_OPAQUE_KEYS = {"responseSchema", "responseJsonSchema", "args", "response", "labels"}


def _camel_case(value: Any) -> Any:
    """Field names as JSON names: like Google's proto-JSON parser, accept `mime_type` for `mimeType`."""
    if isinstance(value, list):
        return [_camel_case(item) for item in value]
    if not isinstance(value, dict):
        return value
    result = {}
    for key, item in value.items():
        name = re.sub(r"_([a-z0-9])", lambda match: match.group(1).upper(), key) if isinstance(key, str) else key
        result[name] = item if name in _OPAQUE_KEYS else _camel_case(item)
    return result


def _check_body(body: Any) -> tuple[_Prompt, dict[str, Any]]:
    if not isinstance(body, dict):
        raise _invalid("Invalid JSON payload received. Expected an object.")
    body = _camel_case(body)
    unknown = set(body) - REQUEST_FIELDS
    if unknown:
        raise _invalid(f'Invalid JSON payload received. Unknown name "{sorted(unknown)[0]}": Cannot find field.')
    contents = body.get("contents")
    if not isinstance(contents, list) or not contents:
        raise _invalid("* GenerateContentRequest.contents: contents is not specified")
    prompt = _Prompt("", [])
    for index, content in enumerate(contents):
        if not isinstance(content, dict):
            raise _invalid(f"Invalid value at 'contents[{index}]': expected an object")
        if content.get("role", "user") not in ("user", "model"):
            raise _invalid("Please use a valid role: user, model.")
        _check_parts(content.get("parts"), f"contents[{index}]", prompt)
    system = body.get("systemInstruction")
    if system is not None:
        if not isinstance(system, dict):
            raise _invalid("Invalid value at 'system_instruction': expected an object")
        _check_parts(system.get("parts"), "system_instruction", _Prompt("", []))
    config = body.get("generationConfig") or {}
    if not isinstance(config, dict):
        raise _invalid("Invalid value at 'generation_config': expected an object")
    unknown = set(config) - GENERATION_CONFIG_FIELDS
    if unknown:
        raise _invalid(
            f"Invalid JSON payload received. Unknown name \"{sorted(unknown)[0]}\" at 'generation_config': "
            "Cannot find field."
        )
    if "responseSchema" in config and "responseJsonSchema" in config:
        raise _invalid("* GenerateContentRequest.generation_config: only one of response_schema, response_json_schema")
    if ("responseSchema" in config or "responseJsonSchema" in config) and config.get(
        "responseMimeType"
    ) != "application/json":
        raise _invalid(
            "* GenerateContentRequest.generation_config.response_mime_type: "
            "a response schema needs response_mime_type application/json"
        )
    return prompt, config


# --- answers --------------------------------------------------------------------------------------


def _language(text: str) -> str:
    match = re.search(r"\((fr|en)\)", text)
    return match.group(1) if match else "en"


class _SchemaFiller:
    """A value following a response schema (OpenAPI-style `responseSchema` or JSON Schema)."""

    def __init__(self, root: dict[str, Any], rng: random.Random, language: str, invent: bool) -> None:
        self.root, self.rng, self.language, self.invent = root, rng, language, invent

    @staticmethod
    def properties(schema: dict[str, Any]) -> dict[str, Any]:
        """The top-level properties of a schema (after a `$ref` at the root, if any)."""
        return _SchemaFiller(schema, random.Random(0), "en", invent=False)._resolve(schema).get("properties", {})

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            target: Any = self.root
            for key in ref[2:].split("/"):
                target = target.get(key, {})
            return self._resolve(target)
        for key in ("anyOf", "oneOf"):
            options = [item for item in schema.get(key, []) if self._type(item) != "null"]
            if options:
                return self._resolve(options[0])
        return schema

    @staticmethod
    def _type(schema: dict[str, Any]) -> str:
        kind = schema.get("type", "object" if "properties" in schema else "string")
        if isinstance(kind, list):
            kind = next((item for item in kind if str(item).lower() != "null"), "null")
        return str(kind).lower()

    def value(self, schema: dict[str, Any], name: str = "") -> Any:
        schema = self._resolve(schema)
        kind = self._type(schema)
        if kind == "object":
            properties = schema.get("properties", {})
            return {key: self.value(sub, key) for key, sub in properties.items()}
        if kind == "array":
            return self._array(schema, name)
        if schema.get("enum"):
            return f"sim-invented-{name or 'value'}" if self.invent else self.rng.choice(schema["enum"])
        if kind in ("integer", "number"):
            return self.rng.randint(int(schema.get("minimum", 1)), int(schema.get("maximum", 100)))
        if kind == "boolean":
            return self.rng.random() < 0.5
        return self._text(name)

    def _array(self, schema: dict[str, Any], name: str) -> list[Any]:
        items = self._resolve(schema.get("items", {"type": "string"}))
        low = max(int(schema.get("minItems", 1)), 1)
        high = max(min(int(schema.get("maxItems", 3)), 3), low)
        count = self.rng.randint(low, high)
        enum = items.get("enum")
        if enum:
            picked = self.rng.sample(list(enum), min(count, len(enum)))
            return [*picked[:-1], f"sim-invented-{name}"] if self.invent else picked
        if name == "details":
            return self.rng.sample(list(DETAILS[self.language]), count)
        return [self.value(items, name) for _ in range(count)]

    def _text(self, name: str) -> str:
        if name == "brand":
            return self.rng.choice(BRANDS)
        return f"{name or 'value'} {self.rng.randint(1, 999)}"


def _attributes(text: str) -> dict[str, Any]:
    """The JSON object after "Product attributes (JSON):" in the prompt, or the last one found."""
    marker = text.find("Product attributes (JSON):")
    candidates = [text[marker:]] if marker >= 0 else []
    candidates += [line for line in reversed(text.splitlines()) if line.strip().startswith("{")]
    for candidate in candidates:
        start = candidate.find("{")
        if start < 0:
            continue
        try:
            value, _ = json.JSONDecoder().raw_decode(candidate[start:])
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return {}


def _words(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(item) for item in value if item]
    return [str(value)] if value else []


def _listing(text: str) -> dict[str, str]:
    """A title and description as a wordy model writes them: every attribute in the title."""
    facts = _attributes(text)
    french = _language(text) == "fr"
    marketplace = re.search(r"Marketplace: (\w+)", text)
    market = marketplace.group(1).lower() if marketplace else "vinted"
    words = [
        *_words(facts.get("brand")),
        *_words(facts.get("category")),
        *_words(facts.get("colours") or facts.get("colour")),
        *_words(facts.get("materials")),
        *(["taille" if french else "size", *_words(facts.get("size"))] if facts.get("size") else []),
        *_words(facts.get("condition")),
        *_words(facts.get("details")),
    ]
    title = " ".join(words) or ("Article de seconde main" if french else "Second-hand item")
    lines = [
        ("Très belle pièce : " if french else "Lovely piece: ") + ", ".join(words).lower() + ".",
        ("Envoi soigné, à bientôt !" if french else "Carefully shipped, thanks for looking!"),
    ]
    if market == "vinted":
        tags = ["#" + re.sub(r"\W+", "", word).lower() for word in words[:3]]
        lines.append(" ".join(tag for tag in tags if len(tag) > 1))
    return {"title": title, "description": "\n".join(lines)}


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


def _answer(model: str, prompt: _Prompt, config: dict[str, Any], body_hash: str) -> dict[str, Any]:
    schema = config.get("responseJsonSchema") or config.get("responseSchema")
    invent = "SIM_INVENT" in prompt.text
    language = _language(prompt.text)
    wants_listing = bool(schema) and {"title", "description"} <= set(_SchemaFiller.properties(schema or {}))
    if "SIM_INVALID_JSON" in prompt.text:
        text = "Sure! Here is what I see: a nice jacket."
    elif prompt.images:
        seed = int.from_bytes(hashlib.sha256(b"".join(prompt.images)).digest()[:8], "big")
        value = _SchemaFiller(schema or {}, random.Random(seed), language, invent).value(schema or {"type": "object"})
        text = json.dumps(value, ensure_ascii=False)
    elif wants_listing:
        text = json.dumps(_listing(prompt.text), ensure_ascii=False)
    elif schema:
        seed = int.from_bytes(hashlib.sha256(prompt.text.encode()).digest()[:8], "big")
        text = json.dumps(
            _SchemaFiller(schema, random.Random(seed), language, invent).value(schema), ensure_ascii=False
        )
    elif config.get("responseMimeType") == "application/json":
        text = json.dumps({"text": "Simulated answer."})
    else:
        text = "Simulated answer."
    usage = _usage(prompt, text)
    return {
        "candidates": [{"content": {"parts": [{"text": text}], "role": "model"}, "finishReason": "STOP", "index": 0}],
        "usageMetadata": usage,
        "modelVersion": model,
        "responseId": body_hash[:22],
    }


def _usage(prompt: _Prompt, answer: str | None) -> dict[str, Any]:
    text_tokens = _tokens(prompt.text)
    image_tokens = IMAGE_TOKENS * len(prompt.images)
    details = [{"modality": "TEXT", "tokenCount": text_tokens}]
    if image_tokens:
        details.append({"modality": "IMAGE", "tokenCount": image_tokens})
    usage: dict[str, Any] = {
        "promptTokenCount": text_tokens + image_tokens,
        "totalTokenCount": text_tokens + image_tokens,
        "promptTokensDetails": details,
    }
    if answer is not None:
        usage["candidatesTokenCount"] = _tokens(answer)
        usage["totalTokenCount"] += usage["candidatesTokenCount"]
    return usage


_SAFETY_RATINGS = [
    {"category": "HARM_CATEGORY_SEXUALLY_EXPLICIT", "probability": "HIGH", "blocked": True},
    {"category": "HARM_CATEGORY_HATE_SPEECH", "probability": "NEGLIGIBLE"},
    {"category": "HARM_CATEGORY_HARASSMENT", "probability": "NEGLIGIBLE"},
    {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "NEGLIGIBLE"},
]


async def _generate(state: SimulatorState, model: str, body: dict[str, Any], raw: bytes) -> JSONResponse:
    prompt, config = _check_body(body)
    body_hash = hashlib.sha256(raw).hexdigest()
    text = prompt.text
    if "SIM_SLOW" in text:
        await asyncio.sleep(SLOW_SECONDS)
    if "SIM_QUOTA" in text:
        raise GoogleError(
            429,
            "RESOURCE_EXHAUSTED",
            "You exceeded your current quota, please check your plan and billing details.",
            [
                {
                    "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                    "violations": [
                        {
                            "quotaMetric": "generativelanguage.googleapis.com/"
                            "generate_content_paid_tier_input_token_count",
                            "quotaId": "GenerateContentPaidTierInputTokensPerModelPerMinute",
                            "quotaDimensions": {"location": "global", "model": model},
                        }
                    ],
                },
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "30s"},
            ],
        )
    if "SIM_UNAVAILABLE_ONCE" in text:
        if body_hash not in state.failed_once:
            state.failed_once.add(body_hash)
            raise GoogleError(503, "UNAVAILABLE", "The model is overloaded. Please try again later.")
    elif "SIM_UNAVAILABLE" in text:
        raise GoogleError(503, "UNAVAILABLE", "The model is overloaded. Please try again later.")
    if "SIM_BLOCK" in text:
        return JSONResponse(
            {
                "promptFeedback": {"blockReason": "SAFETY", "safetyRatings": _SAFETY_RATINGS},
                "usageMetadata": _usage(prompt, None),
                "modelVersion": model,
                "responseId": body_hash[:22],
            }
        )
    if "SIM_SAFETY" in text:
        return JSONResponse(
            {
                "candidates": [{"finishReason": "SAFETY", "index": 0, "safetyRatings": _SAFETY_RATINGS}],
                "usageMetadata": _usage(prompt, None),
                "modelVersion": model,
                "responseId": body_hash[:22],
            }
        )
    return JSONResponse(_answer(model, prompt, config, body_hash))


def create_app(api_key: str = DEFAULT_API_KEY) -> FastAPI:
    """The simulator; `api_key` is the only key it accepts."""
    app = FastAPI(title="Gemini simulator", docs_url=None, redoc_url=None, openapi_url=None)
    state = SimulatorState(api_key=api_key)
    app.state.simulator = state

    @app.exception_handler(GoogleError)
    async def google_error(request: Request, error: GoogleError) -> JSONResponse:
        return error.response()

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        code = error.status_code if error.status_code in STATUS_NAMES else 404
        message = "Requested entity was not found." if code in (404, 405) else str(error.detail)
        return GoogleError(404 if code == 405 else code, STATUS_NAMES[code], message).response()

    @app.post("/{version}/models/{target}")
    async def generate_content(version: str, target: str, request: Request) -> JSONResponse:
        raw = await request.body()
        try:
            body: Any = json.loads(raw or b"null")
        except ValueError:
            body = None
        state.requests.append(
            {
                "method": request.method,
                "path": request.url.path,
                "query": dict(request.query_params),
                "headers": {name.lower(): value for name, value in request.headers.items()},
                "json": body,
            }
        )
        model, _, action = target.partition(":")
        if version not in API_VERSIONS or action != "generateContent":
            raise GoogleError(404, "NOT_FOUND", "Requested entity was not found.")
        _check_key(request, state.api_key)
        if not model.startswith("gemini-"):
            raise GoogleError(
                404,
                "NOT_FOUND",
                f"models/{model} is not found for API version {version}, or is not supported for generateContent.",
            )
        if body is None and raw:
            raise _invalid("Invalid JSON payload received. Unexpected token.")
        return await _generate(state, model, body, raw)

    @app.get("/_sim/requests")
    async def recorded_requests() -> list[dict[str, Any]]:
        return state.requests

    @app.delete("/_sim/requests")
    async def forget_requests() -> dict[str, int]:
        count = len(state.requests)
        state.requests.clear()
        return {"forgotten": count}

    return app

"""Gemini through google-genai: the request it sends (the API's contract), and every outcome
through the sandbox simulator (answers, blocked content, quota, outages, wrong key)."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from stoflow.ai.gemini import API_VERSION, PRICES_USD_PER_MILLION, USD_TO_EUR, AiError, GeminiClient
from stoflow.ai.listing import MARKETPLACES, TITLE_LIMITS, AllowedValues
from tests.integration.gemini_sim import RunningSimulator, closed_port, running_simulator

MODEL = "gemini-2.5-flash"
ALLOWED = AllowedValues(
    categories=["jeans", "jacket", "dress", "sweater"],
    colours=["blue", "black", "white", "red", "green"],
    materials=["cotton", "wool", "polyester"],
    conditions=["new_with_tags", "very_good", "good", "satisfactory"],
    sizes=["XS", "S", "M", "L", "XL"],
)
PHOTO = b"\xff\xd8\xff\xe0 a jpeg photo \xfb\xff"  # bytes whose base64 uses both + and /
PNG = b"\x89PNG\r\n\x1a\n a png photo"
ATTRIBUTES = {
    "brand": "Levi's",
    "category": "Jean",
    "colours": ["Bleu"],
    "size": "W32 L32",
    "condition": "Très bon état",
    "details": ["Coupe droite", "Poches zippées", "Bouton doré", "Taille haute", "Vintage années 90", "Lavage brut"],
}


@pytest.fixture(scope="module")
def simulator() -> Iterator[RunningSimulator]:
    with running_simulator() as running:
        yield running


@pytest.fixture
def client(simulator: RunningSimulator) -> GeminiClient:
    simulator.requests.clear()
    return GeminiClient(simulator.api_key, base_url=simulator.base_url, model=MODEL, retry_wait_s=0.05)


# --- the contract: what google-genai puts on the wire ----------------------------------------------


def test_fill_request_has_the_fields_the_real_api_expects(client: GeminiClient, simulator: RunningSimulator) -> None:
    client.fill_from_photos([(PHOTO, "image/jpeg"), (PNG, "image/png")], language="fr", allowed=ALLOWED)

    [request] = simulator.requests
    assert request["method"] == "POST"
    assert (
        request["path"] == f"/{API_VERSION}/models/{MODEL}:generateContent" == f"/v1beta/models/{MODEL}:generateContent"
    )
    assert request["headers"]["x-goog-api-key"] == simulator.api_key
    assert "key" not in request["query"]  # the key travels in the header, never in a URL
    assert request["headers"]["content-type"] == "application/json"

    body = request["json"]
    assert set(body) <= {"contents", "systemInstruction", "generationConfig"}
    [content] = body["contents"]
    assert content["role"] == "user"
    text_part, *image_parts = content["parts"]
    assert "French (fr)" in text_part["text"]
    images = []
    for part in image_parts:
        inline = part["inlineData"]
        # google-genai 3.6 writes the Blob's proto field name (`mime_type`); Google's proto-JSON
        # parser takes it as well as the JSON name `mimeType`, so either is the contract.
        mime_type = inline.get("mimeType", inline.get("mime_type"))
        data = inline["data"]
        # Proto-JSON bytes: base64, standard or URL-safe alphabet (the SDK sends URL-safe).
        images.append((base64.b64decode(data.replace("-", "+").replace("_", "/")), mime_type))
    assert images == [(PHOTO, "image/jpeg"), (PNG, "image/png")]
    assert body["systemInstruction"]["parts"][0]["text"].startswith("You catalogue second-hand clothes")

    config = body["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    schema = config.get("responseJsonSchema") or config.get("responseSchema")
    assert schema["type"] == "object"
    assert schema["properties"]["category"]["enum"] == list(ALLOWED.categories)
    assert schema["properties"]["colours"]["items"]["enum"] == list(ALLOWED.colours)
    assert {"category", "condition"} <= set(schema["required"])


def test_write_request_asks_for_a_title_and_description_schema(
    client: GeminiClient, simulator: RunningSimulator
) -> None:
    client.write_listing(ATTRIBUTES, language="en", marketplace="ebay")

    [request] = simulator.requests
    body = request["json"]
    [content] = body["contents"]
    assert [set(part) for part in content["parts"]] == [{"text"}]
    assert "Marketplace: eBay" in content["parts"][0]["text"]
    config = body["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    assert config["responseJsonSchema"]["required"] == ["title", "description"]


# --- answers through the simulator ---------------------------------------------------------------


def test_fill_from_photos_proposes_only_reference_values(client: GeminiClient) -> None:
    result, usage = client.fill_from_photos([(PHOTO, "image/jpeg")], language="en", allowed=ALLOWED)

    assert result.category in ALLOWED.categories
    assert result.condition in ALLOWED.conditions
    assert result.size in ALLOWED.sizes
    assert 1 <= len(result.colours) <= 3 and set(result.colours) <= set(ALLOWED.colours)
    assert set(result.materials) <= set(ALLOWED.materials)
    assert result.brand and result.details
    assert result.dropped == []
    # The same photos give the same answer: the simulator is deterministic.
    again, _ = client.fill_from_photos([(PHOTO, "image/jpeg")], language="en", allowed=ALLOWED)
    assert again == result
    # Usage comes from the answer's usageMetadata (one image counts 258 tokens).
    assert usage.model == MODEL
    assert usage.input_tokens > 258 and usage.output_tokens > 0
    input_price, output_price = PRICES_USD_PER_MILLION[MODEL]
    cost_usd = (usage.input_tokens * input_price + usage.output_tokens * output_price) / 1_000_000
    assert usage.cost_eur == (cost_usd * USD_TO_EUR).quantize(Decimal("0.000001"))


def test_fill_from_photos_drops_values_the_model_invents(client: GeminiClient) -> None:
    result, _ = client.fill_from_photos([(PHOTO, "image/jpeg")], language="en", allowed=ALLOWED, note="SIM_INVENT")

    assert result.category is None and result.condition is None and result.size is None
    assert set(result.colours) <= set(ALLOWED.colours)
    dropped = {item.field: item.value for item in result.dropped}
    assert dropped["category"] == "sim-invented-category"
    assert dropped["colours"] == "sim-invented-colours"
    assert dropped["size"] == "sim-invented-size"


@pytest.mark.parametrize("marketplace", MARKETPLACES)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_write_listing_keeps_titles_within_each_marketplace_limit(
    client: GeminiClient, marketplace: Any, language: Any
) -> None:
    listing, usage = client.write_listing(ATTRIBUTES, language=language, marketplace=marketplace)

    assert 0 < len(listing.title) <= TITLE_LIMITS[marketplace]
    assert listing.title.startswith("Levi's Jean Bleu")
    assert not listing.title.endswith(" ")
    assert listing.description
    assert usage.input_tokens > 0 and usage.output_tokens > 0


def test_ebay_title_written_too_long_is_cut_on_a_word_boundary(client: GeminiClient) -> None:
    listing, _ = client.write_listing(ATTRIBUTES, language="fr", marketplace="ebay")
    # The simulator, like a wordy model, puts every attribute in the title (over 80 characters).
    assert listing.title == "Levi's Jean Bleu taille W32 L32 Très bon état Coupe droite Poches zippées Bouton"


# --- failures: a clear code, nothing half-done ------------------------------------------------------


def _error(call: Any) -> AiError:
    with pytest.raises(AiError) as caught:
        call()
    return caught.value


def test_blocked_prompt_is_ai_blocked(client: GeminiClient) -> None:
    error = _error(lambda: client.write_listing({"brand": "SIM_BLOCK"}, language="en", marketplace="vinted"))
    assert error.code == "ai_blocked"
    assert error.usage is not None and error.usage.input_tokens > 0  # the prompt was still counted


def test_answer_withheld_for_safety_is_ai_blocked(client: GeminiClient) -> None:
    error = _error(
        lambda: client.fill_from_photos([(PHOTO, "image/jpeg")], language="en", allowed=ALLOWED, note="SIM_SAFETY")
    )
    assert error.code == "ai_blocked"


def test_quota_exhausted_is_not_retried(client: GeminiClient, simulator: RunningSimulator) -> None:
    error = _error(lambda: client.write_listing({"brand": "SIM_QUOTA"}, language="en", marketplace="vinted"))
    assert error.code == "ai_quota_exhausted"
    assert len(simulator.requests) == 1


def test_unavailable_is_retried_twice_then_unreachable(client: GeminiClient, simulator: RunningSimulator) -> None:
    error = _error(lambda: client.write_listing({"brand": "SIM_UNAVAILABLE"}, language="en", marketplace="vinted"))
    assert error.code == "ai_unreachable"
    assert len(simulator.requests) == 3


def test_unavailable_once_succeeds_on_the_retry(client: GeminiClient, simulator: RunningSimulator) -> None:
    listing, _ = client.write_listing({"brand": "SIM_UNAVAILABLE_ONCE"}, language="en", marketplace="etsy")
    assert listing.title == "SIM_UNAVAILABLE_ONCE"
    assert len(simulator.requests) == 2


def test_answer_that_is_not_json_is_ai_invalid_answer(client: GeminiClient) -> None:
    error = _error(lambda: client.write_listing({"brand": "SIM_INVALID_JSON"}, language="en", marketplace="ebay"))
    assert error.code == "ai_invalid_answer"


def test_wrong_key_is_ai_key_rejected(simulator: RunningSimulator) -> None:
    client = GeminiClient("not-the-key", base_url=simulator.base_url)
    error = _error(lambda: client.write_listing(ATTRIBUTES, language="en", marketplace="ebay"))
    assert error.code == "ai_key_rejected"
    assert "API key not valid" in error.detail


def test_closed_port_is_ai_unreachable_quickly() -> None:
    client = GeminiClient("any-key", base_url=f"http://127.0.0.1:{closed_port()}")
    started = time.monotonic()
    error = _error(lambda: client.write_listing(ATTRIBUTES, language="en", marketplace="ebay"))
    assert error.code == "ai_unreachable"
    assert time.monotonic() - started < 2


def test_slow_answer_times_out_as_ai_unreachable(simulator: RunningSimulator) -> None:
    client = GeminiClient(simulator.api_key, base_url=simulator.base_url, timeout_s=1)
    error = _error(lambda: client.write_listing({"brand": "SIM_SLOW"}, language="en", marketplace="ebay"))
    assert error.code == "ai_unreachable"


def test_without_a_key_ai_is_not_configured() -> None:
    client = GeminiClient(None)
    assert not client.configured
    error = _error(lambda: client.fill_from_photos([(PHOTO, "image/jpeg")], language="en", allowed=ALLOWED))
    assert error.code == "ai_not_configured"


# --- the simulator's own contract ----------------------------------------------------------------


def test_simulator_answers_google_error_shapes(simulator: RunningSimulator) -> None:
    import httpx

    url = f"{simulator.base_url}/v1beta/models/{MODEL}:generateContent"
    body = {"contents": [{"role": "user", "parts": [{"text": "hello"}]}]}

    missing_key = httpx.post(url, json=body)
    assert missing_key.status_code == 403
    assert missing_key.json()["error"]["status"] == "PERMISSION_DENIED"

    by_query = httpx.post(url, params={"key": simulator.api_key}, json=body)
    assert by_query.status_code == 200
    answer = by_query.json()
    assert answer["candidates"][0]["finishReason"] == "STOP"
    usage = answer["usageMetadata"]
    assert usage["totalTokenCount"] == usage["promptTokenCount"] + usage["candidatesTokenCount"]

    headers = {"x-goog-api-key": simulator.api_key}
    bad = httpx.post(url, headers=headers, json={"contents": [{"role": "user", "parts": [{"image": "x"}]}]})
    assert bad.status_code == 400
    assert set(bad.json()["error"]) == {"code", "message", "status"}
    assert bad.json()["error"]["status"] == "INVALID_ARGUMENT"

    not_base64 = {"contents": [{"parts": [{"inlineData": {"mimeType": "image/jpeg", "data": "***"}}]}]}
    assert httpx.post(url, headers=headers, json=not_base64).status_code == 400

    unknown = httpx.get(f"{simulator.base_url}/v1beta/nothing/here", headers=headers)
    assert unknown.status_code == 404
    assert unknown.json()["error"] == {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}

    v1 = httpx.post(f"{simulator.base_url}/v1/models/{MODEL}:generateContent", headers=headers, json=body)
    assert v1.status_code == 200

"""Listings without AI (templates), title limits, and the checks on what the AI proposes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from stoflow.ai.gemini import PRICES_USD_PER_MILLION, USD_TO_EUR, price_of, usage_of
from stoflow.ai.listing import (
    MARKETPLACES,
    TITLE_LIMITS,
    AllowedValues,
    DroppedValue,
    FillAnswer,
    fill_schema,
    fit_title,
    hashtag,
    validate_fill,
    write_prompt,
)
from stoflow.ai.templates import template_listing

FRENCH = {
    "brand": "Levi's",
    "category": "Jean",
    "colours": ["Bleu"],
    "size": "W32 L32",
    "condition": "Très bon état",
    "materials": ["Coton"],
    "details": ["Coupe droite", "Poches zippées"],
}
ENGLISH = {
    "brand": "Levi's",
    "category": "Jeans",
    "colours": ["Blue"],
    "size": "W32 L32",
    "condition": "Very good condition",
    "materials": ["Cotton"],
    "details": ["Straight leg"],
}
LONG = {
    "brand": "Ralph Lauren Polo Purple Label Collection",
    "category": "Veste de costume croisée en laine vierge",
    "colours": ["Bleu marine", "Gris anthracite", "Blanc cassé"],
    "size": "52 IT / 42 UK / XL",
    "condition": "Neuf avec étiquette, jamais porté",
    "materials": ["Laine vierge", "Cachemire", "Soie"],
    "details": ["Boutons en corne véritable", "Doublure en soie imprimée", "Poches passepoilées"],
}


@pytest.mark.parametrize("marketplace", MARKETPLACES)
@pytest.mark.parametrize(("language", "attributes"), [("fr", FRENCH), ("en", ENGLISH), ("fr", LONG), ("en", LONG)])
def test_template_title_fits_the_marketplace_limit(marketplace: Any, language: Any, attributes: dict[str, Any]) -> None:
    listing = template_listing(attributes, language=language, marketplace=marketplace)
    assert 0 < len(listing.title) <= TITLE_LIMITS[marketplace]
    assert attributes["brand"].split()[0] in listing.title
    assert listing.description.strip()


def test_a_long_title_keeps_brand_and_category_and_drops_the_least_useful_words() -> None:
    listing = template_listing(LONG, language="fr", marketplace="ebay")
    assert listing.title.startswith("Veste de costume croisée en laine vierge Ralph Lauren")
    assert "jamais porté" not in listing.title


def test_vinted_is_casual_with_hashtags_from_brand_category_and_colour() -> None:
    listing = template_listing(FRENCH, language="fr", marketplace="vinted")
    assert listing.title == "Jean Levi's bleu · taille W32 L32 · Très bon état"
    assert listing.description.splitlines()[-1] == "#levis #jean #bleu"
    assert "État : Très bon état." in listing.description
    assert "N'hésitez pas" in listing.description


def test_ebay_is_keyword_rich_with_item_specifics() -> None:
    listing = template_listing(ENGLISH, language="en", marketplace="ebay")
    assert listing.title == "Levi's Jeans Blue Cotton Size W32 L32 Very good condition Straight leg"
    for line in ("Brand: Levi's", "Type: Jeans", "Colour: Blue", "Size: W32 L32", "Material: Cotton"):
        assert line in listing.description.splitlines()
    assert "#" not in listing.description


def test_etsy_is_descriptive() -> None:
    english = template_listing(ENGLISH, language="en", marketplace="etsy")
    assert english.description.startswith("A blue jeans by Levi's. Made of cotton.")
    assert "Care:" in english.description
    french = template_listing(FRENCH, language="fr", marketplace="etsy")
    assert french.title == "Jean Levi's bleu en Coton, taille W32 L32, très bon état"
    assert french.description.startswith("Jean bleu de Levi's. En coton.")
    assert "Entretien :" in french.description


@pytest.mark.parametrize("marketplace", MARKETPLACES)
def test_missing_attributes_leave_their_words_out(marketplace: Any) -> None:
    only_brand = template_listing(
        {"brand": "Zara", "size": None, "colours": []}, language="en", marketplace=marketplace
    )
    assert only_brand.title == "Zara"
    assert "None" not in only_brand.description and "Size" not in only_brand.description
    nothing = template_listing({}, language="fr", marketplace=marketplace)
    assert nothing.title == "Vêtement"
    assert nothing.description


def test_templates_are_deterministic() -> None:
    first = template_listing(LONG, language="en", marketplace="etsy")
    assert first == template_listing(dict(LONG), language="en", marketplace="etsy")


def test_fit_title_cuts_on_a_word_boundary() -> None:
    title = "Levi's 501 jean bleu brut taille W32 L32 coupe droite vintage années 90 excellent état"
    assert fit_title(title, 40) == "Levi's 501 jean bleu brut taille W32 L32"
    assert fit_title("Robe  longue,   fleurie", 80) == "Robe longue, fleurie"
    assert fit_title("Pull - laine - mérinos", 15) == "Pull - laine"  # no dangling separator
    assert fit_title("x" * 50, 20) == "x" * 20  # one huge word is cut where it must
    assert len(fit_title("a " * 200, 80)) <= 80


def test_hashtags_are_plain_words() -> None:
    assert hashtag("Levi's") == "#levis"
    assert hashtag("Sézane") == "#sezane"
    assert hashtag("Bleu marine") == "#bleumarine"
    assert hashtag("!!!") == ""


ALLOWED = AllowedValues(
    categories=["jeans", "jacket"],
    colours=["blue", "black", "white", "red"],
    materials=["cotton", "wool"],
    conditions=["new_with_tags", "very_good", "good"],
    sizes=["S", "M", "W32"],
)


def test_values_outside_the_reference_data_are_dropped_and_reported() -> None:
    answer = FillAnswer(
        category="trousers",
        brand="  Levi's ",
        colours=["blue", "navy", "blue", "black", "white", "red"],
        materials=["cotton", "denim"],
        condition="very_good",
        size="32",
        details=["Straight leg", " ", "Button fly"],
    )
    result = validate_fill(answer, ALLOWED)
    assert result.category is None
    assert result.brand == "Levi's"
    assert result.colours == ["blue", "black", "white"]  # at most three, no duplicate
    assert result.materials == ["cotton"]
    assert result.condition == "very_good"
    assert result.size is None
    assert result.details == ["Straight leg", "Button fly"]
    assert result.dropped == [
        DroppedValue("category", "trousers"),
        DroppedValue("colours", "navy"),
        DroppedValue("materials", "denim"),
        DroppedValue("size", "32"),
    ]


def test_fill_schema_lists_the_reference_keys_as_enums() -> None:
    schema = fill_schema(ALLOWED)
    assert schema["properties"]["category"]["enum"] == ["jeans", "jacket"]
    assert schema["properties"]["colours"]["items"]["enum"] == ["blue", "black", "white", "red"]
    assert schema["properties"]["colours"]["maxItems"] == 3
    assert "enum" not in schema["properties"]["brand"]
    huge = fill_schema(AllowedValues([], [], [], [], [str(size) for size in range(1000)]))
    assert "enum" not in huge["properties"]["size"]  # too big for a schema; checked afterwards


def test_write_prompt_names_the_marketplace_language_and_limit_and_skips_empty_attributes() -> None:
    prompt = write_prompt({"brand": "Zara", "size": None, "details": []}, language="fr", marketplace="ebay")
    assert "Marketplace: eBay" in prompt
    assert "French (fr)" in prompt
    assert "at most 80 characters" in prompt
    assert prompt.endswith('{"brand": "Zara"}')


def test_usage_costs_come_from_the_price_table() -> None:
    from google.genai import types

    metadata = types.GenerateContentResponseUsageMetadata(
        prompt_token_count=1_000_000, candidates_token_count=100_000, thoughts_token_count=100_000
    )
    usage = usage_of("gemini-2.5-flash", metadata)
    assert (usage.input_tokens, usage.output_tokens) == (1_000_000, 200_000)
    assert usage.cost_eur == (Decimal("0.30") + Decimal("0.50")) * USD_TO_EUR
    assert price_of("gemini-2.5-flash-lite-preview-06-17") == PRICES_USD_PER_MILLION["gemini-2.5-flash-lite"]
    assert price_of("some-future-model") == PRICES_USD_PER_MILLION["gemini-2.5-pro"]  # never under-counted
    assert usage_of("gemini-2.5-flash", None).cost_eur == 0

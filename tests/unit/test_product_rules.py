"""Product rules without a database: field checks, transitions, what publishing needs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from stoflow.accounts.schemas import FieldErrors
from stoflow.catalog.rules import TRANSITIONS, can_move, parse_input, publish_problems
from stoflow.models.tenant.products import ProductStatus


def test_a_complete_form_is_parsed_into_stored_types() -> None:
    product = parse_input(
        {
            "title": "  Levi's 501 jeans  ",
            "price": "24,90",
            "cost_price": "8",
            "quantity": "2",
            "colors": ["blue", "black"],
            "materials": [{"key": "cotton", "percent": "98"}, {"key": "elastane", "percent": 2}],
            "condition": "8",
            "measurements": {"waist": "38.5"},
            "weight_g": "650",
        }
    )
    assert product.title == "Levi's 501 jeans"
    assert product.price == Decimal("24.90") and product.cost_price == Decimal("8.00")
    assert product.quantity == 2 and product.condition == 8 and product.weight_g == 650
    assert product.materials == [{"key": "cotton", "percent": 98}, {"key": "elastane", "percent": 2}]
    assert product.measurements == {"waist": 38.5}


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("price", "-1", "price_negative"),
        ("price", "abc", "price_invalid"),
        ("price", "1000000", "price_too_high"),
        ("price", "9.999", "price_too_precise"),
        ("price", "NaN", "price_invalid"),
        ("quantity", "-3", "number_negative"),
        ("length_cm", "5000", "dimension_absurd"),
        ("weight_g", "900000", "weight_absurd"),
        ("currency", "XYZ", "currency_unknown"),
        ("condition", "11", "condition_unknown"),
        ("title", "x" * 201, "title_too_long"),
        ("sku", "bad sku!", "sku_invalid"),
    ],
)
def test_bad_values_are_refused_with_a_field_error(field: str, value: str, code: str) -> None:
    with pytest.raises(FieldErrors) as error:
        parse_input({field: value})
    assert error.value.errors == {field: code}


def test_at_most_three_colours_and_materials_up_to_100_percent() -> None:
    with pytest.raises(FieldErrors) as error:
        parse_input(
            {"colors": ["a", "b", "c", "d"], "materials": [{"key": "x", "percent": 70}, {"key": "y", "percent": 40}]}
        )
    assert error.value.errors == {"colors": "colors_too_many", "materials": "material_percent_invalid"}


def test_reference_values_are_checked_by_the_given_catalogue() -> None:
    known = {("category", "jeans"), ("color", "blue"), ("material", "cotton"), ("pattern", "plain")}
    with pytest.raises(FieldErrors) as error:
        parse_input(
            {
                "category": "spaceship",
                "colors": ["blue", "ultraviolet"],
                "materials": [{"key": "kryptonite"}],
                "attributes": {"pattern": "plaid-ish"},
            },
            known=lambda attribute, key: (attribute, key) in known,
        )
    assert error.value.errors == {
        "category": "category_unknown",
        "colors": "color_unknown",
        "materials": "material_unknown",
        "attributes.pattern": "attribute_unknown",
    }


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("draft", "published", True),
        ("draft", "archived", True),
        ("draft", "sold", False),
        ("published", "sold", True),
        ("published", "draft", False),
        ("sold", "archived", True),
        ("sold", "published", False),
        ("sold", "draft", False),
        ("archived", "draft", True),
        ("archived", "published", True),
        ("archived", "sold", False),
        ("draft", "nonsense", False),
    ],
)
def test_status_transitions(current: str, target: str, allowed: bool) -> None:
    assert can_move(current, target) is allowed


def test_every_status_has_its_transitions() -> None:
    assert set(TRANSITIONS) == set(ProductStatus)


def test_publishing_needs_a_complete_listing() -> None:
    complete = {
        "title": "Jeans",
        "description": "Blue jeans",
        "price": Decimal("10"),
        "category": "jeans",
        "condition": 8,
        "quantity": 1,
        "photos": 1,
    }
    assert publish_problems(**complete) == []  # type: ignore[arg-type]
    empty = publish_problems(
        title=" ", description="", price=Decimal("0"), category=None, condition=None, quantity=0, photos=0
    )
    assert empty == [
        "publish_needs_title",
        "publish_needs_description",
        "publish_needs_price",
        "publish_needs_category",
        "publish_needs_condition",
        "publish_needs_quantity",
        "publish_needs_photo",
    ]

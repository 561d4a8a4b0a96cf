"""The bundled reference files and the seed's parsing, without a database."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.dialects.postgresql import ARRAY

from stoflow.reference.seed import (
    DATA_DIR,
    SEEDS,
    SIMPLE_LISTS,
    ReferenceDataError,
    TableSeed,
    _parents_first,
    _parse,
    _read_rows,
)
from stoflow.reference.service import DEDICATED_ATTRIBUTES, brand_search_key, sort_key


def _rows(file: str) -> list[dict[str, str]]:
    with (DATA_DIR / file).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _ancestors(key: str, parents: dict[str, str]) -> list[str]:
    chain = [key]
    while parents.get(chain[-1]):
        chain.append(parents[chain[-1]])
    return chain


@pytest.mark.parametrize("seed", SEEDS, ids=lambda seed: seed.table.name)
def test_every_file_reads_with_unique_keys(seed: TableSeed) -> None:
    rows = _read_rows(seed, DATA_DIR)
    keys = [tuple(row[column.name] for column in seed.table.primary_key.columns) for row in rows]
    assert rows
    assert [key for key, count in Counter(keys).items() if count > 1] == []


def test_only_english_and_french_labels_are_kept() -> None:
    columns = {column.name for seed in SEEDS for column in seed.table.columns}
    assert {"label_en", "label_fr"} <= columns
    assert not any(column.startswith("label_") and column not in ("label_en", "label_fr") for column in columns)


def test_brand_names_are_unique_whatever_the_case() -> None:
    names = [row["name"].lower() for row in _rows("brands.csv")]
    assert len(names) == len(set(names)) == 2000


def test_cells_become_column_values() -> None:
    assert _parse(String(), "") is None
    assert _parse(Integer(), "") is None
    assert _parse(Integer(), "203") == 203
    assert _parse(Boolean(), "true") is True and _parse(Boolean(), "FALSE") is False
    assert _parse(ARRAY(Text()), "men|women") == ["men", "women"]
    assert _parse(ARRAY(Text()), "") == []
    assert _parse(Text(), "Levi's") == "Levi's"
    with pytest.raises(ValueError):
        _parse(Boolean(), "yes")
    with pytest.raises(ValueError):
        _parse(Integer(), "W32")


def test_parents_are_written_before_their_children() -> None:
    (categories,) = (seed for seed in SEEDS if seed.table.name == "categories")
    rows = [
        {"key": "jeans", "parent_key": "bottoms"},
        {"key": "bottoms", "parent_key": "clothing"},
        {"key": "clothing", "parent_key": None},
    ]
    assert [row["key"] for row in _parents_first(categories.table, rows, "parent_key")] == [
        "clothing",
        "bottoms",
        "jeans",
    ]
    looping = [{"key": "a", "parent_key": "b"}, {"key": "b", "parent_key": "a"}]
    with pytest.raises(ReferenceDataError, match="loops"):
        _parents_first(categories.table, looping, "parent_key")


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ReferenceDataError, match=r"categories\.csv"):
        _read_rows(SEEDS[0], tmp_path)


def test_a_bad_cell_is_reported_with_its_line(tmp_path: Path) -> None:
    (conditions,) = (seed for seed in SEEDS if seed.table.name == "conditions")
    (tmp_path / "conditions.csv").write_text(
        "key,label_en,label_fr,vinted_status_id,ebay_condition\n10,New,Neuf,six,NEW\n", encoding="utf-8"
    )
    with pytest.raises(ReferenceDataError, match=r"conditions\.csv line 2"):
        _read_rows(conditions, tmp_path)


def test_category_attributes_name_known_categories_and_attributes() -> None:
    categories = {row["key"] for row in _rows("categories.csv")}
    known = {*DEDICATED_ATTRIBUTES, *SIMPLE_LISTS}
    for row in _rows("category_attributes.csv"):
        assert row["category_key"] in categories, row
        assert row["attribute"] in known, row


def test_every_category_shows_the_fields_a_listing_needs() -> None:
    """Each category, through its ancestors, shows brand, size, colour and condition (all required)."""
    parents = {row["key"]: row["parent_key"] for row in _rows("categories.csv")}
    own: dict[str, dict[str, dict[str, str]]] = {}
    for row in _rows("category_attributes.csv"):
        own.setdefault(row["category_key"], {})[row["attribute"]] = row
    for key in parents:
        effective: dict[str, dict[str, str]] = {}
        for ancestor in reversed(_ancestors(key, parents)):
            effective.update(own.get(ancestor, {}))
        shown = {attribute: row for attribute, row in effective.items() if row["shown"] == "true"}
        for attribute in ("gender", "brand", "size", "color", "condition"):
            assert shown[attribute]["required"] == "true", (key, attribute)


def test_every_category_offers_sizes() -> None:
    parents = {row["key"]: row["parent_key"] for row in _rows("categories.csv")}
    groups: dict[str, set[str]] = {}
    for row in _rows("category_size_groups.csv"):
        groups.setdefault(row["category_key"], set()).add(row["size_group"])
    size_groups = {row["size_group"] for row in _rows("sizes.csv") if row["size_group"]}
    for key in parents:
        nearest = next(ancestor for ancestor in _ancestors(key, parents) if ancestor in groups)
        assert groups[nearest] <= size_groups, key


def test_brand_search_ignores_case_accents_and_punctuation() -> None:
    assert brand_search_key("Fjällräven") == "fjallraven"
    assert brand_search_key("H&M") == "hm"
    assert brand_search_key("Levi's") == brand_search_key("LEVIS") == "levis"
    assert brand_search_key("%_") == ""


def test_labels_sort_like_a_person_reads_them() -> None:
    decades = ["2010s", "50s", "90s", "2000s"]
    assert sorted(decades, key=sort_key) == ["50s", "90s", "2000s", "2010s"]
    assert sorted(["Écru", "Bleu", "ardoise"], key=sort_key) == ["ardoise", "Bleu", "Écru"]


def test_the_bundled_files_say_where_they_come_from() -> None:
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    assert "matthiasrib29/StoFlow" in readme
    assert "category_attributes.csv" in readme

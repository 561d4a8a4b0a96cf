"""Reference data in product_attributes: the seed and what the product editor reads."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, MetaData, text
from sqlmodel import SQLModel

from stoflow.config import PROJECT_ROOT
from stoflow.db.engine import get_engine
from stoflow.models.base import ATTRIBUTES_SCHEMA
from stoflow.reference import service
from stoflow.reference.seed import DATA_DIR, SEEDS, ReferenceDataError, seed_reference


def _csv_rows(file: str, data_dir: Path = DATA_DIR) -> list[dict[str, str]]:
    with (data_dir / file).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _table_counts(connection: Connection) -> dict[str, int]:
    return {
        seed.table.name: connection.execute(
            text(f"SELECT count(*) FROM {ATTRIBUTES_SCHEMA}.{seed.table.name}")
        ).scalar_one()
        for seed in SEEDS
    }


@contextmanager
def _rolled_back() -> Iterator[Connection]:
    """A connection whose changes (a seed from altered files) are thrown away afterwards."""
    with get_engine().connect() as connection:
        transaction = connection.begin()
        try:
            yield connection
        finally:
            transaction.rollback()
            service.clear_cache()


def _edit_csv(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns = list(reader.fieldnames or [])
        rows = change(list(reader))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


def test_the_tables_hold_exactly_the_rows_of_the_csv_files(database_url: str) -> None:
    with get_engine().connect() as connection:
        counts = _table_counts(connection)
    assert counts["categories"] == len(_csv_rows("categories.csv")) == 64
    assert counts["brands"] == len(_csv_rows("brands.csv")) == 2000
    assert counts["colors"] == len(_csv_rows("colors.csv")) == 67
    assert counts["conditions"] == 11
    assert counts["materials"] == 27
    assert counts["sizes"] == 42
    assert counts["category_attributes"] == len(_csv_rows("category_attributes.csv"))
    assert counts["vinted_category_rules"] == 304
    assert counts["ebay_category_rules"] == 206
    assert counts["ebay_categories"] == 459 * 2
    (attribute_values,) = (seed for seed in SEEDS if seed.table.name == "attribute_values")
    simple_lists = sum(len(_csv_rows(source.file)) for source in attribute_values.sources)
    assert counts["attribute_values"] == simple_lists == 337


def test_seeding_twice_changes_nothing(database_url: str) -> None:
    with get_engine().connect() as connection:
        before = _table_counts(connection)
    started = time.perf_counter()
    report = seed_reference(get_engine())
    assert time.perf_counter() - started < 2
    assert not report.changed
    assert report.counts == before
    with get_engine().connect() as connection:
        assert _table_counts(connection) == before
        distinct_brands = connection.execute(
            text(f"SELECT count(DISTINCT lower(name)) FROM {ATTRIBUTES_SCHEMA}.brands")
        ).scalar_one()
    assert distinct_brands == before["brands"]


def test_a_changed_label_is_updated_and_a_removed_row_deleted(database_url: str, data_copy: Path) -> None:
    def rename_jeans(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        for row in rows:
            if row["key"] == "jeans":
                row["label_fr"] = "Jean denim"
        return rows

    _edit_csv(data_copy / "categories.csv", rename_jeans)
    _edit_csv(data_copy / "patterns.csv", lambda rows: [row for row in rows if row["key"] != "Abstract"])
    _edit_csv(data_copy / "brands.csv", lambda rows: [row for row in rows if row["name"] != "Levis"])

    with _rolled_back() as connection:
        report = seed_reference(connection, data_dir=data_copy)

        assert report.tables["categories"].written == 1
        assert report.tables["attribute_values"].deleted == 1
        assert report.tables["brands"].deleted == 1
        assert sum(table.written for table in report.tables.values()) == 1
        jeans = next(node for node in service.leaf_categories(connection, "fr") if node.key == "jeans")
        assert jeans.label == "Jean denim"
        assert not service.is_valid(connection, "pattern", "Abstract")
        assert not service.is_valid(connection, "brand", "Levis")
    with get_engine().connect() as connection:
        assert service.is_valid(connection, "pattern", "Abstract")


def test_a_file_naming_an_unknown_attribute_is_refused_and_changes_nothing(database_url: str, data_copy: Path) -> None:
    _edit_csv(
        data_copy / "category_attributes.csv",
        lambda rows: [
            *rows,
            {
                "category_key": "jeans",
                "attribute": "heel_height",
                "required": "false",
                "position": "1",
                "shown": "true",
            },
        ],
    )
    with pytest.raises(ReferenceDataError, match="heel_height"):
        seed_reference(get_engine(), data_dir=data_copy)
    with get_engine().connect() as connection:
        assert "heel_height" not in {field.attribute for field in service.attributes_for_category(connection, "jeans")}
        assert _table_counts(connection)["category_attributes"] == len(_csv_rows("category_attributes.csv"))


def test_every_category_parent_exists_and_comes_before_its_children(db) -> None:  # type: ignore[no-untyped-def]
    tree = service.category_tree(db, "en")
    keys = [node.key for node in tree]
    assert len(tree) == 64
    for position, node in enumerate(tree):
        if node.parent_key is not None:
            assert node.parent_key in keys[:position]
            parent = tree[keys.index(node.parent_key)]
            assert node.depth == parent.depth + 1
    t_shirt = next(node for node in service.category_tree(db, "fr") if node.key == "t-shirt")
    assert t_shirt.path == "Vêtements > Hauts > T-shirt"
    leaves = service.leaf_categories(db, "en")
    assert leaves and all(node.is_leaf for node in leaves)
    assert "tops" not in {node.key for node in leaves}


def test_categories_carry_their_marketplace_ids(db) -> None:  # type: ignore[no-untyped-def]
    row = db.execute(
        text(
            f"SELECT genders, vinted_catalog_id_women, ebay_gb_category_id_men FROM {ATTRIBUTES_SCHEMA}.categories "
            "WHERE key = 'bermuda'"
        )
    ).one()
    assert row == (["men", "women", "boys", "girls"], 203, 15689)


def test_a_top_shows_neckline_and_sleeves_but_bottoms_do_not(db) -> None:  # type: ignore[no-untyped-def]
    t_shirt = dict(service.attributes_for_category(db, "t-shirt"))
    assert {"neckline", "sleeve_length", "fit", "brand", "size", "color", "condition"} <= set(t_shirt)
    assert t_shirt["brand"] is True and t_shirt["neckline"] is False
    assert "rise" not in t_shirt

    jeans = [field.attribute for field in service.attributes_for_category(db, "jeans")]
    assert "neckline" not in jeans and "sleeve_length" not in jeans
    assert {"rise", "length", "size_length", "stretch"} <= set(jeans)
    assert jeans.index("size") < jeans.index("size_length") < jeans.index("color")


def test_a_category_can_hide_an_attribute_it_inherits(db) -> None:  # type: ignore[no-untyped-def]
    tank_top = {field.attribute for field in service.attributes_for_category(db, "tank-top")}
    assert "neckline" in tank_top and "sleeve_length" not in tank_top


def test_a_shoe_category_added_as_data_shows_no_sleeve_length(database_url: str, data_copy: Path) -> None:
    """Which fields a category shows is data: a new category needs no code."""
    with (data_copy / "categories.csv").open("a", encoding="utf-8") as handle:
        handle.write("shoes,,shoes,0,false,Shoes,Chaussures,,,,,,men|women,,,,,,,,,,,,\n")
        handle.write("sneakers,shoes,shoes > sneakers,1,true,Sneakers,Baskets,,,,,,men|women,,,,,,,,,,,,\n")
    with (data_copy / "category_attributes.csv").open("a", encoding="utf-8") as handle:
        for position, attribute in enumerate(("gender", "brand", "size", "color", "condition"), start=1):
            handle.write(f"shoes,{attribute},true,{position * 10},true\n")
        handle.write("sneakers,closure,false,60,true\n")

    with _rolled_back() as connection:
        seed_reference(connection, data_dir=data_copy)
        sneakers = [field.attribute for field in service.attributes_for_category(connection, "sneakers")]
    assert sneakers == ["gender", "brand", "size", "color", "condition", "closure"]


def test_an_unknown_category_is_refused(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(service.UnknownCategory):
        service.attributes_for_category(db, "spaceship")


def test_brand_search_ranks_prefix_matches_first(db) -> None:  # type: ignore[no-untyped-def]
    found = service.search_brands(db, "lev")
    assert found[0] == ("Levi's", "Levi's")
    assert [brand.key for brand in found[:4]] == ["Levi's", "Levi's made & crafted", "Levi's vintage clothing", "Levis"]
    assert all("lev" in service.brand_search_key(brand.key) for brand in found)
    assert service.search_brands(db, "LEVI'S")[0].key == "Levi's"
    assert service.search_brands(db, "fjallraven")[0].key == "Fjällräven"
    assert service.search_brands(db, "h&m")[0].label == "H&M"
    assert len(service.search_brands(db, "a", limit=5)) == 5
    assert service.search_brands(db, "  ") == []
    assert service.search_brands(db, "%") == []


def test_lists_are_labelled_in_the_sellers_language(db) -> None:  # type: ignore[no-untyped-def]
    sleeves_fr = dict(service.options(db, "sleeve_length", "fr"))
    assert sleeves_fr["Long sleeve"] == "Manches longues"
    assert dict(service.options(db, "sleeve_length", "en"))["Long sleeve"] == "Long sleeve"
    decades = [option.key for option in service.options(db, "decade", "fr")]
    assert decades == ["50s", "60s", "70s", "80s", "90s", "2000s", "2010s", "2020s"]
    assert "Coton" in {option.label for option in service.options(db, "material", "fr")}
    colours = {color.key: color for color in service.colors(db, "fr")}
    assert colours["Black"].label == "Noir" and colours["Black"].hex == "#000000"
    assert colours["Klein blue"].label == "Klein blue"  # no French label in the source: English shown
    conditions = service.conditions(db, "fr")
    assert [condition.key for condition in conditions] == list(range(10, -1, -1))
    assert conditions[0].label == "Neuf"
    with pytest.raises(service.UnknownAttribute):
        service.options(db, "heel_height", "en")


def test_sizes_depend_on_the_category(db) -> None:  # type: ignore[no-untyped-def]
    jeans = [size.key for size in service.sizes(db, "jeans")]
    t_shirt = [size.key for size in service.sizes(db, "t-shirt")]
    assert "W32" in jeans and "M" in jeans
    assert "W32" not in t_shirt and t_shirt[:3] == ["XXS", "XS", "S"]
    everything = [size.key for size in service.sizes(db)]
    assert "XXXL" not in everything and "one-size" not in everything  # legacy spellings are not offered
    assert len(everything) == 39


def test_invalid_keys_are_refused(db) -> None:  # type: ignore[no-untyped-def]
    assert service.is_valid(db, "category", "jeans")
    assert not service.is_valid(db, "category", "Jeans")
    assert service.is_valid(db, "brand", "Levi's")
    assert not service.is_valid(db, "brand", "No such brand")
    assert service.is_valid(db, "color", "Black")
    assert not service.is_valid(db, "color", "Ultraviolet")
    assert service.is_valid(db, "condition", 7) and service.is_valid(db, "condition", "10")
    assert not service.is_valid(db, "condition", 11)
    assert service.is_valid(db, "size", "XXXL") and not service.is_valid(db, "size", "XXXXXL")
    assert service.is_valid(db, "pattern", "Abstract") and not service.is_valid(db, "pattern", "printed")
    with pytest.raises(service.UnknownAttribute):
        service.is_valid(db, "heel_height", "5 cm")


def test_attribute_tables_match_the_models(database_url: str) -> None:
    """No drift between the migrations and the models of product_attributes."""
    metadata = MetaData()
    for table in SQLModel.metadata.sorted_tables:
        if table.schema == ATTRIBUTES_SCHEMA:
            table.to_metadata(metadata)

    def in_attributes_schema(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
        return type_ != "table" or obj.schema == ATTRIBUTES_SCHEMA

    with get_engine().connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_schemas": True, "include_object": in_attributes_schema},
        )
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_seed_reference_command_loads_the_data(database_url: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "stoflow.cli", "seed-reference"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Reference data loaded" in result.stdout
    assert "(0 written, 0 deleted)" in result.stdout

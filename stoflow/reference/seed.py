"""Load the bundled reference CSV files (stoflow/reference/data) into `product_attributes`.

Idempotent: every table is upserted (a row is only rewritten when a value changed) and
rows that are no longer in the files are deleted, all in one transaction. Run by
`python -m stoflow.cli seed-reference`, by `setup` after the migrations, and by the tests.
"""

from __future__ import annotations

import csv
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import ARRAY, Boolean, Connection, Engine, Integer, Table, delete, select, text, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from stoflow.models.attributes import (
    AttributeValue,
    Brand,
    Category,
    CategoryAttribute,
    CategorySizeGroup,
    Color,
    Condition,
    EbayCategory,
    EbayCategoryRule,
    Material,
    Size,
    VintedCategory,
    VintedCategoryRule,
)
from stoflow.reference.service import DEDICATED_ATTRIBUTES, brand_search_key, clear_cache, table_of

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).parent / "data"

# Serialises concurrent seeds (two `setup`s at once); any constant shared by the seeders works.
_SEED_LOCK_ID = 0x5EED_0005

Row = dict[str, Any]


class ReferenceDataError(ValueError):
    """A reference CSV file is missing or holds a value that does not fit its column."""


@dataclass(frozen=True)
class Source:
    """One CSV file feeding a table. Columns the table does not have (label_de, ...) are ignored."""

    file: str
    rename: Mapping[str, str] = field(default_factory=dict)  # CSV column -> table column
    fixed: Mapping[str, Any] = field(default_factory=dict)  # table column -> same value on every row


@dataclass(frozen=True)
class TableSeed:
    table: Table
    sources: tuple[Source, ...]
    parent_column: str | None = None  # self-reference: parents are written before their children
    position_column: str | None = None  # filled with the row's order in the file
    derived: Mapping[str, Callable[[Row], Any]] = field(default_factory=dict)


# The simple lists: attribute name (as used in category_attributes.csv) -> file.
SIMPLE_LISTS = {
    "closure": "closures.csv",
    "condition_sup": "condition_sups.csv",
    "decade": "decades.csv",
    "fit": "fits.csv",
    "gender": "genders.csv",
    "length": "lengths.csv",
    "lining": "linings.csv",
    "neckline": "necklines.csv",
    "origin": "origins.csv",
    "pattern": "patterns.csv",
    "rise": "rises.csv",
    "season": "seasons.csv",
    "size_length": "size_lengths.csv",
    "sleeve_length": "sleeve_lengths.csv",
    "sport": "sports.csv",
    "stretch": "stretches.csv",
    "trend": "trends.csv",
    "unique_feature": "unique_features.csv",
}

# In dependency order: a table comes after the tables it references.
SEEDS: tuple[TableSeed, ...] = (
    TableSeed(table_of(Category), (Source("categories.csv"),), parent_column="parent_key"),
    TableSeed(table_of(CategoryAttribute), (Source("category_attributes.csv"),)),
    TableSeed(table_of(CategorySizeGroup), (Source("category_size_groups.csv"),)),
    TableSeed(
        table_of(Brand),
        (Source("brands.csv"),),
        derived={"search_key": lambda row: brand_search_key(row["name"])},
    ),
    TableSeed(
        table_of(Color),
        (Source("colors.csv", rename={"parent_color": "parent_key"}),),
        parent_column="parent_key",
    ),
    TableSeed(table_of(Condition), (Source("conditions.csv"),)),
    TableSeed(table_of(Material), (Source("materials.csv"),)),
    TableSeed(table_of(Size), (Source("sizes.csv"),), parent_column="alias_of", position_column="position"),
    TableSeed(
        table_of(AttributeValue),
        tuple(
            Source(file, rename={"label": "label_en"}, fixed={"attribute": attribute})
            for attribute, file in SIMPLE_LISTS.items()
        ),
    ),
    TableSeed(table_of(VintedCategory), (Source("vinted_categories.csv"),)),
    TableSeed(table_of(VintedCategoryRule), (Source("vinted_category_mapping.csv"),)),
    TableSeed(
        table_of(EbayCategory),
        tuple(
            Source(f"ebay_categories_{marketplace}.csv", fixed={"marketplace": marketplace})
            for marketplace in ("EBAY_GB", "EBAY_FR")
        ),
    ),
    TableSeed(table_of(EbayCategoryRule), (Source("ebay_category_mapping.csv"),)),
)


@dataclass(frozen=True)
class TableReport:
    rows: int  # rows in the table after the seed
    written: int  # inserted or changed
    deleted: int


@dataclass
class SeedReport:
    tables: dict[str, TableReport] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def counts(self) -> dict[str, int]:
        return {name: table.rows for name, table in self.tables.items()}

    @property
    def changed(self) -> bool:
        return any(table.written or table.deleted for table in self.tables.values())

    def summary(self) -> str:
        written = sum(table.written for table in self.tables.values())
        deleted = sum(table.deleted for table in self.tables.values())
        rows = sum(self.counts.values())
        return (
            f"{rows} rows in {len(self.tables)} tables ({written} written, {deleted} deleted) in {self.seconds:.2f} s"
        )


def seed_reference(target: Engine | Connection | Session, *, data_dir: Path = DATA_DIR) -> SeedReport:
    """Bring the reference tables in line with the CSV files of `data_dir`, in one transaction.

    With a session, or a connection already in a transaction, the caller's transaction is
    used (and committed by the caller); otherwise the seed commits its own.
    """
    started = time.perf_counter()
    tables = {seed.table.name: _read_rows(seed, data_dir) for seed in SEEDS}  # every file is read before writing
    if isinstance(target, Engine):
        with target.begin() as connection:
            report = _write(connection, tables)
    elif isinstance(target, Session):
        report = _write(target.connection(), tables)
    elif target.in_transaction():
        report = _write(target, tables)
    else:
        with target.begin():
            report = _write(target, tables)
    clear_cache()
    report.seconds = time.perf_counter() - started
    log.info("Reference data seeded: %s", report.summary())
    return report


def _write(connection: Connection, tables: dict[str, list[Row]]) -> SeedReport:
    connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _SEED_LOCK_ID})
    report = SeedReport()
    written = {seed.table.name: _upsert(connection, seed.table, tables[seed.table.name]) for seed in SEEDS}
    # Stale rows go children first, so that nothing still points at a row being deleted.
    deleted = {seed.table.name: _delete_stale(connection, seed.table, tables[seed.table.name]) for seed in SEEDS[::-1]}
    for seed in SEEDS:
        name = seed.table.name
        report.tables[name] = TableReport(len(tables[name]), written[name], deleted[name])
    _check_category_attributes(connection)
    return report


def _upsert(connection: Connection, table: Table, rows: list[Row]) -> int:
    if not rows:
        return 0
    statement = insert(table)
    keys = list(table.primary_key.columns)
    values = [column for column in table.columns if not column.primary_key]
    if values:
        statement = statement.on_conflict_do_update(
            index_elements=keys,
            set_={column.name: statement.excluded[column.name] for column in values},
            # Unchanged rows are left alone: a second seed writes nothing.
            where=tuple_(*values).is_distinct_from(tuple_(*(statement.excluded[column.name] for column in values))),
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=keys)
    # RETURNING counts the rows really written (psycopg's executemany gives no row count).
    return len(connection.execute(statement.returning(keys[0]), rows).all())


def _delete_stale(connection: Connection, table: Table, rows: list[Row]) -> int:
    keys = list(table.primary_key.columns)
    if len(keys) == 1:
        kept = keys[0].not_in([row[keys[0].name] for row in rows])
    else:
        kept = tuple_(*keys).not_in([tuple(row[column.name] for column in keys) for row in rows])
    return connection.execute(delete(table).where(kept)).rowcount


def _check_category_attributes(connection: Connection) -> None:
    """Every attribute a category shows must be a dedicated table or a list of attribute_values."""
    shown = table_of(CategoryAttribute).c.attribute
    listed = select(table_of(AttributeValue).c.attribute)
    statement = select(shown).distinct().where(shown.not_in(DEDICATED_ATTRIBUTES), shown.not_in(listed)).order_by(shown)
    names = list(connection.execute(statement).scalars())
    if names:
        raise ReferenceDataError(f"category_attributes.csv names unknown attributes: {', '.join(names)}")


# --- reading the files --------------------------------------------------------------------


def _read_rows(seed: TableSeed, data_dir: Path) -> list[Row]:
    rows: list[Row] = []
    for source in seed.sources:
        path = data_dir / source.file
        if not path.is_file():
            raise ReferenceDataError(f"Missing reference file: {path}")
        with path.open(newline="", encoding="utf-8") as file:
            for line, record in enumerate(csv.DictReader(file), start=2):
                try:
                    row = _convert(seed, source, record, position=len(rows) + 1)
                except (KeyError, ValueError) as error:
                    raise ReferenceDataError(f"{source.file} line {line}: {error}") from error
                rows.append(row)
    if seed.parent_column:
        rows = _parents_first(seed.table, rows, seed.parent_column)
    return rows


def _convert(seed: TableSeed, source: Source, record: dict[str, str], position: int) -> Row:
    named = {source.rename.get(column, column): value for column, value in record.items()}
    row: Row = {}
    for column in seed.table.columns:
        if column.name in source.fixed:
            row[column.name] = source.fixed[column.name]
        elif column.name in seed.derived:
            continue  # computed below from the other columns
        elif column.name == seed.position_column and column.name not in named:
            row[column.name] = position
        elif column.name in named:
            row[column.name] = _parse(column.type, named[column.name])
        elif column.nullable:
            row[column.name] = None  # a column the files do not have yet (etsy_taxonomy_id)
        else:
            raise ValueError(f"no value for the required column {column.name!r}")
        if row[column.name] is None and not column.nullable:
            raise ValueError(f"{column.name!r} is empty")
    for name, derive in seed.derived.items():
        row[name] = derive(row)
    return row


def _parse(column_type: Any, value: str | None) -> Any:
    """A CSV cell as the column's Python value: empty is NULL (an empty list for array columns)."""
    if isinstance(column_type, ARRAY):
        return [item for item in (value or "").split("|") if item]
    if value is None or value == "":
        return None
    if isinstance(column_type, Boolean):
        lowered = value.lower()
        if lowered not in ("true", "false"):
            raise ValueError(f"{value!r} is not true or false")
        return lowered == "true"
    if isinstance(column_type, Integer):
        return int(value)
    return value


def _parents_first(table: Table, rows: list[Row], parent_column: str) -> list[Row]:
    (key_column,) = table.primary_key.columns
    by_key = {row[key_column.name]: row for row in rows}

    def depth(row: Row, seen: frozenset[Any] = frozenset()) -> int:
        parent = row[parent_column]
        if parent is None or parent not in by_key:
            return 0  # a parent missing from the files is reported by the foreign key
        if parent in seen:
            raise ReferenceDataError(f"{table.name}: {parent_column} loops through {parent!r}")
        return 1 + depth(by_key[parent], seen | {row[key_column.name]})

    return sorted(rows, key=depth)

"""Language packs (overlays merge over their base) and the schema (one source, checked)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.config import Config
from pipeline.lang import PackError, available, load_pack
from pipeline.schema import SCHEMA_DIR, SchemaError, load_schema
from pipeline.stages.base import BuildContext, PlanError, build_plan, check_plan


def _overlay(tmp_path: Path, files: dict[str, str], base: str = "bn") -> Path:
    folder = tmp_path / "overlay"
    folder.mkdir()
    (folder / "pack.yaml").write_text(f"base: {base}\n", encoding="utf-8")
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_shipped_packs() -> None:
    assert {"bn", "bn_IN"} <= set(available())
    assert load_pack("bn_IN").layers[0] == load_pack("bn").layers[0]


def test_yaml_overlay_merges_mappings_and_replaces_the_rest(tmp_path: Path) -> None:
    base = load_pack("bn").yaml("amounts.yaml")
    folder = _overlay(tmp_path, {"amounts.yaml": "currency_aliases:\n  টাকা: INR\n  ডলার: null\n"
                                                 "suffixes: ['']\n"})
    merged = load_pack(folder).yaml("amounts.yaml")
    assert merged["currency_aliases"]["টাকা"] == "INR"
    assert "ডলার" not in merged["currency_aliases"]  # null deletes
    assert merged["suffixes"] == [""]  # a list replaces
    others = {k: v for k, v in base["currency_aliases"].items() if k not in ("টাকা", "ডলার")}
    assert {k: merged["currency_aliases"][k] for k in others} == others  # the rest is the base's
    assert base["currency_aliases"]["টাকা"] == "BDT"  # the base pack itself is untouched


def test_tsv_overlay_replaces_rows_by_key(tmp_path: Path) -> None:
    base = load_pack("bn").tsv("demonyms.tsv")
    key = base[0][0]
    folder = _overlay(tmp_path, {"demonyms.tsv": f"# test\n{key}\t-\nনতুনদেশি\tXXX\n"})
    merged = load_pack(folder).tsv("demonyms.tsv")
    assert all(row[0] != key for row in merged)
    assert ["নতুনদেশি", "XXX"] in merged
    assert len(merged) == len([r for r in base if r[0] != key]) + 1


def test_bad_packs_fail_clearly(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="unknown language pack 'xx'"):
        load_pack("xx")
    with pytest.raises(PackError, match=r"has no nothing\.yaml"):
        load_pack("bn").yaml("nothing.yaml")
    with pytest.raises(ValueError, match="stages must be one of"):
        Config(stages="fast")


def test_bn_in_reads_taka_as_rupees_in_the_same_process() -> None:
    from pipeline import Pipeline, extract

    text = "ভারত বাংলাদেশকে ৫০০ কোটি টাকার ঋণ দেয়।"
    money = {}
    for lang in ("bn", "bn_IN"):
        result = extract(text, pipeline=Pipeline(Config(stages="rule", lang=lang)))
        money[lang] = result.entities.loc[result.entities["type"] == "MONEY", "norm"].tolist()
    assert money == {"bn": ["MONEY:5000000000:BDT"], "bn_IN": ["MONEY:5000000000:INR"]}


# -- schema --------------------------------------------------------------------------------
def test_schema_derives_the_code_sets() -> None:
    schema = load_schema()
    assert set(schema.mention_types) == schema.conf.entities
    assert schema.types_with_role("Value") == {
        "AGREEMENT", "TRADE", "INVESTMENT", "AID", "COOPERATION"}
    assert "Place" not in schema.event("TRADE").roles
    assert schema.sector_types == {"AGREEMENT", "COOPERATION", "INVESTMENT"}
    assert {"km", "MW", "GW", "t"} <= schema.quantity_units
    assert schema.event("VISIT").cameo == "042" and schema.event("VISIT").ordered


def _schema_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "schema"
    shutil.copytree(SCHEMA_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return folder


def test_schema_files_must_agree(tmp_path: Path) -> None:
    folder = _schema_copy(tmp_path)
    conf = folder / "annotation.conf"
    conf.write_text(conf.read_text(encoding="utf-8").replace(
        "[attributes]", "PROTEST\tActor1?:COUNTRY\n\n[attributes]"), encoding="utf-8")
    with pytest.raises(SchemaError, match="PROTEST"):
        load_schema(folder)


def test_every_resource_names_only_schema_types() -> None:
    """Data integrity: what the packs map to exists in the schema."""
    schema = load_schema()
    for name in available():
        pack = load_pack(name)
        units = set(pack.yaml("units.yaml")["units"].values())
        assert units <= schema.quantity_units, (name, sorted(units - schema.quantity_units))


def test_a_plan_must_provide_what_its_stages_need() -> None:
    with pytest.raises(PlanError, match="needs clean"):
        check_plan(["segment"])
    with pytest.raises(PlanError, match="unknown stage"):
        check_plan(["normalise", "no-such-stage"])
    stages = build_plan(["normalise", "segment"], BuildContext.from_config(Config()))
    assert [s.name for s in stages] == ["normalise", "segment"]

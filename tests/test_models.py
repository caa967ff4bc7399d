"""The model runner: layer order, dependencies, clear errors; and the catalogue's coverage."""

from __future__ import annotations

import csv
import datetime as dt

import duckdb
import pytest

from scorecard import config
from scorecard.build import reference
from scorecard.errors import ScorecardError
from scorecard.build.models import LAYERS, create_macros, discover


def write(root, layer, name, sql):
    (root / layer).mkdir(parents=True, exist_ok=True)
    (root / layer / f"{name}.sql").write_text(sql)


def test_models_run_after_what_they_name(tmp_path):
    write(tmp_path, "staging", "stg_b", "SELECT * FROM staging.stg_a")
    write(tmp_path, "staging", "stg_a", "SELECT 1 AS x")
    write(tmp_path, "marts", "mart_c", "-- reads intermediate.not_a_dependency only in a comment\n"
                                       "SELECT * FROM staging.stg_b")
    assert [m.relation for m in discover(tmp_path)] == ["staging.stg_a", "staging.stg_b", "marts.mart_c"]


def test_a_cycle_is_named(tmp_path):
    write(tmp_path, "staging", "stg_a", "SELECT * FROM staging.stg_b")
    write(tmp_path, "staging", "stg_b", "SELECT * FROM staging.stg_a")
    with pytest.raises(ScorecardError, match="cycle"):
        discover(tmp_path)


def test_reading_a_later_layer_is_refused(tmp_path):
    write(tmp_path, "staging", "stg_a", "SELECT * FROM marts.mart_x")
    write(tmp_path, "marts", "mart_x", "SELECT 1 AS x")
    with pytest.raises(ScorecardError, match=r"stg_a.sql: refers to marts.mart_x"):
        discover(tmp_path)


def test_project_models_follow_the_layout():
    models = discover(config.SQL_DIR)
    assert {m.schema for m in models} == set(LAYERS)
    prefixes = {"staging": "stg_", "intermediate": "int_", "kpis": "kpi_", "marts": ("fct_", "mart_")}
    for model in models:
        assert model.name.startswith(prefixes[model.schema]), model.path
        assert model.sql.lstrip().startswith("--"), f"{model.path} has no header comment"


def test_every_kpi_model_is_in_the_catalogue_and_the_scorecard_union():
    with (config.REFERENCE_DIR / "kpis.csv").open(encoding="utf-8") as handle:
        catalogue = [row["kpi_code"] for row in csv.DictReader(handle)]
    found = {m.name: m for m in discover(config.SQL_DIR)}
    kpi_models = [m for m in found.values() if m.schema == "kpis" and not m.name.endswith("_detail")]
    assert len(kpi_models) == len(catalogue) == 24
    # the unions as run list every KPI model once, in the catalogue's (the report's) order
    union = [line.split(" FROM ")[1] for line in found["fct_kpi_values"].sql.splitlines()
             if " FROM kpis." in line]
    details = [line.split(" FROM ")[1] for line in found["fct_kpi_detail"].sql.splitlines()
               if " FROM kpis." in line]
    assert [r.split("_")[1].upper() for r in union] == catalogue
    assert details == [f"{r}_detail" for r in union]
    assert {f"kpis.{m.name}" for m in kpi_models} == set(union)


def kpi_pair(root, code, slug="thing"):
    write(root, "kpis", f"kpi_{code}_{slug}", "SELECT 1 AS x")
    write(root, "kpis", f"kpi_{code}_{slug}_detail", "SELECT 1 AS x")


def test_the_unions_follow_the_catalogue_order_not_the_file_names(tmp_path):
    kpi_pair(tmp_path, "aa01")
    kpi_pair(tmp_path, "bb01")
    write(tmp_path, "marts", "fct_u", "-- u\n{% for m in kpi_models %}{{ m }};{% endfor %}")
    (model,) = [m for m in discover(tmp_path, kpi_codes=["BB01", "ZZ99", "AA01"]) if m.name == "fct_u"]
    # ZZ99 has no model: it is in the scorecard as "no information", not in the union
    assert model.sql == "-- u\nkpis.kpi_bb01_thing;kpis.kpi_aa01_thing;"


def test_a_kpi_model_outside_the_catalogue_is_refused(tmp_path):
    kpi_pair(tmp_path, "aa01")
    write(tmp_path, "marts", "fct_u", "{{ kpi_models }}")
    with pytest.raises(ScorecardError, match=r"kpi_aa01_thing.sql: KPI code AA01 .* is not in the KPI catalogue"):
        discover(tmp_path, kpi_codes=["BB01"])


def test_a_kpi_model_without_its_detail_is_refused(tmp_path):
    write(tmp_path, "kpis", "kpi_aa01_thing", "SELECT 1 AS x")
    write(tmp_path, "marts", "fct_u", "{{ kpi_models }}")
    with pytest.raises(ScorecardError, match=r"kpi_aa01_thing.sql: no drill-through model kpi_aa01_thing_detail.sql"):
        discover(tmp_path, kpi_codes=["AA01"])


def test_an_extra_folder_adds_models_by_their_prefix(tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    write(tmp_path, "staging", "stg_a", "SELECT 1 AS x")
    (extra / "kpi_aa01_thing.sql").write_text("SELECT * FROM staging.stg_a")
    (extra / "kpi_aa01_thing_detail.sql").write_text("SELECT * FROM staging.stg_a")
    found = [m.relation for m in discover(tmp_path, [extra], kpi_codes=["AA01"])]
    assert found == ["staging.stg_a", "kpis.kpi_aa01_thing", "kpis.kpi_aa01_thing_detail"]
    (extra / "report_aa01.sql").write_text("SELECT 1 AS x")
    with pytest.raises(ScorecardError, match=r"report_aa01.sql: a model's name must start with one of"):
        discover(tmp_path, [extra], kpi_codes=["AA01"])
    (extra / "report_aa01.sql").unlink()
    (extra / "stg_a.sql").write_text("SELECT 2 AS x")
    with pytest.raises(ScorecardError, match=r"stg_a.sql: model staging.stg_a is already"):
        discover(tmp_path, [extra], kpi_codes=["AA01"])


def test_a_kpi_code_twice_in_the_catalogue_names_both_files(tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "kpis.csv").write_text("kpi_code,display_order\nZZ01,90\nQA02,91\n", encoding="utf-8")
    with pytest.raises(ScorecardError, match=r"extra/kpis.csv row 3, column kpi_code: QA02 is already "
                                             r"in the catalogue \(.*reference/kpis.csv row 3\)"):
        reference.catalogue_rows(config.REFERENCE_DIR, [extra])


def _periods_and_calendar(period_end):
    con = duckdb.connect()
    con.execute("CREATE SCHEMA meta; CREATE SCHEMA reference; CREATE SCHEMA intermediate")
    create_macros(con, config.SQL_DIR)
    reference.load_bank_holidays(con, 2019, 2024)
    reference.write_run_context(con, "t", period_end, 12)
    for name in ("int_periods", "int_calendar_days"):
        sql = (config.SQL_DIR / "intermediate" / f"{name}.sql").read_text()
        con.execute(f"CREATE TABLE intermediate.{name} AS {sql}")
    return con


def test_periods_follow_the_uk_financial_year():
    con = _periods_and_calendar(dt.date(2023, 6, 30))
    rows = con.execute(
        "SELECT period_end, quarter_start, rolling_year_start, financial_year, financial_quarter, "
        "period_label, days_in_quarter FROM intermediate.int_periods ORDER BY period_end DESC"
    ).fetchall()
    assert len(rows) == 13
    assert rows[0] == (dt.date(2023, 6, 30), dt.date(2023, 4, 1), dt.date(2022, 7, 1), "2023/24", 1,
                       "Jun-23", 91)
    assert rows[1] == (dt.date(2023, 3, 31), dt.date(2023, 1, 1), dt.date(2022, 4, 1), "2022/23", 4,
                       "Mar-23", 90)
    assert rows[2][3:6] == ("2022/23", 3, "Dec-22")
    assert rows[-1][0] == dt.date(2020, 6, 30)


def test_working_days_count_both_ends_and_skip_bank_holidays():
    con = _periods_and_calendar(dt.date(2023, 6, 30))

    def working_days(first, last):
        return con.execute(
            "SELECT b.working_day_number - a.working_day_number FROM intermediate.int_calendar_days a, "
            "intermediate.int_calendar_days b WHERE a.calendar_date = ?::DATE - 1 AND b.calendar_date = ?",
            [first, last]).fetchone()[0]

    assert working_days(dt.date(2023, 6, 5), dt.date(2023, 6, 5)) == 1     # a Monday alone is one day
    assert working_days(dt.date(2023, 6, 3), dt.date(2023, 6, 4)) == 0     # a weekend is none
    # Easter 2023: Good Friday 7 April and Easter Monday 10 April are not working days
    assert working_days(dt.date(2023, 4, 3), dt.date(2023, 4, 14)) == 8
    # Christmas 2022: 26 and 27 December (27th in lieu of Christmas Day on a Sunday)
    assert working_days(dt.date(2022, 12, 19), dt.date(2022, 12, 30)) == 8
    # the Coronation bank holiday, Monday 8 May 2023
    assert working_days(dt.date(2023, 5, 8), dt.date(2023, 5, 12)) == 4


def test_a_template_naming_an_unknown_list_is_an_error_naming_the_file(tmp_path):
    write(tmp_path, "marts", "fct_u", "-- u\n{% for m in kpi_modles %}{{ m }}{% endfor %}")
    with pytest.raises(ScorecardError, match=r"fct_u.sql: template: 'kpi_modles' is undefined"):
        discover(tmp_path, kpi_codes=[])


def test_an_extra_folders_csv_adds_rows_to_the_reference_table_of_its_name(tmp_path):
    con = duckdb.connect()
    con.execute("CREATE SCHEMA reference")
    extra = tmp_path / "extra"
    extra.mkdir()
    with (config.REFERENCE_DIR / "targets.csv").open(encoding="utf-8") as handle:
        project_rows = sum(1 for _ in csv.DictReader(handle))
    (extra / "targets.csv").write_text("council_code,kpi_code,financial_year,target,source\n"
                                       "916,ZZ01,2023/24,78.0,ours\n", encoding="utf-8")
    reference.load_reference_csvs(con, config.REFERENCE_DIR, [extra])
    assert con.execute("SELECT count(*) FROM reference.targets").fetchone() == (project_rows + 1,)
    assert con.execute("SELECT period_end, target FROM reference.targets WHERE kpi_code = 'ZZ01'"
                       ).fetchall() == [(None, "78.0")]   # a column it leaves out is empty
    (extra / "targets.csv").write_text("council_code,kpi_kode\n916,ZZ01\n", encoding="utf-8")
    with pytest.raises(ScorecardError, match=r"extra/targets.csv: cannot add its rows to reference.targets"):
        reference.load_reference_csvs(con, config.REFERENCE_DIR, [extra])
    (extra / "targets.csv").unlink()
    (extra / "targetz.csv").write_text("council_code\n916\n", encoding="utf-8")
    with pytest.raises(ScorecardError, match=r"extra/targetz.csv: no reference table targetz to add rows to"):
        reference.load_reference_csvs(con, config.REFERENCE_DIR, [extra])

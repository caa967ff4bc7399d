"""The demo landing's cache: copies carry the generator's bytes, and nothing stale is served."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

import scorecard_demo
from scorecard_demo import landing_cache, write_demo_landing


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_copy_from_the_cache_is_what_the_generator_writes(tmp_path: Path, monkeypatch) -> None:
    """The reference is the generator itself, run here; the cache is filled by a first call and
    served to a second one, with the generator made to fail so that it cannot be what ran."""
    expected = write_demo_landing(tmp_path / "generated", "916")
    cache = tmp_path / "cache"
    filled = landing_cache.demo_landing(tmp_path / "filled", "916", root=cache)

    def no_generator(*_args):
        raise AssertionError("generated again although the cache holds the files")

    monkeypatch.setattr(landing_cache, "_generate", no_generator)
    served = landing_cache.demo_landing(tmp_path / "served", "916", root=cache)
    reference = _tree(tmp_path / "generated")
    assert len(reference) == 21
    for out, written in (("filled", filled), ("served", served)):
        assert [p.relative_to(tmp_path / out) for p in written] == \
            [p.relative_to(tmp_path / "generated") for p in expected]
        assert _tree(tmp_path / out) == reference


def _fake_generator(calls: list[str], barrier: threading.Barrier | None = None):
    """A generator of two small files, deterministic per council code, counting its calls."""

    def generate(out_dir: Path, council_code: str) -> list[Path]:
        calls.append(council_code)
        if barrier is not None:
            barrier.wait(timeout=10)  # both callers generate at the same time
        out_dir = Path(out_dir)
        (out_dir / "hr_sap").mkdir(parents=True, exist_ok=True)
        second = out_dir / "hr_sap" / "b.csv"
        first = out_dir / "a.json"
        second.write_text(f"council_code\n{council_code}\n", encoding="utf-8")
        first.write_text(f'{{"council_code": "{council_code}"}}', encoding="utf-8")
        return [second, first]  # not in path order: the order is the generator's

    return generate


def test_generated_once_then_copied_in_the_generators_order(tmp_path: Path, monkeypatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(landing_cache, "_generate", _fake_generator(calls))
    cache = tmp_path / "cache"
    for out in ("x", "y"):
        written = landing_cache.demo_landing(tmp_path / out, "202", root=cache)
        assert [p.relative_to(tmp_path / out).as_posix() for p in written] == \
            ["hr_sap/b.csv", "a.json"]
        assert (tmp_path / out / "hr_sap" / "b.csv").read_text() == "council_code\n202\n"
    assert calls == ["202"]
    landing_cache.demo_landing(tmp_path / "z", "203", root=cache)  # another council: its own
    assert calls == ["202", "203"]
    assert (tmp_path / "z" / "a.json").read_text() == '{"council_code": "203"}'


@pytest.mark.parametrize("damage", ["changed", "removed", "manifest"])
def test_a_damaged_copy_is_generated_again(tmp_path: Path, monkeypatch, damage: str) -> None:
    calls: list[str] = []
    monkeypatch.setattr(landing_cache, "_generate", _fake_generator(calls))
    cache = tmp_path / "cache"
    landing_cache.demo_landing(tmp_path / "x", "202", root=cache)
    (folder,) = [p for p in cache.iterdir() if not p.name.startswith(".")]
    if damage == "changed":
        (folder / "hr_sap" / "b.csv").write_text("council_code\n999\n", encoding="utf-8")
    elif damage == "removed":
        (folder / "a.json").unlink()
    else:
        (folder / landing_cache.MANIFEST).unlink()
    written = landing_cache.demo_landing(tmp_path / "y", "202", root=cache)
    assert calls == ["202", "202"]
    assert _tree(tmp_path / "y") == _tree(tmp_path / "x")
    assert [p.name for p in written] == ["b.csv", "a.json"]


def test_a_new_generator_replaces_the_councils_old_folder(tmp_path: Path, monkeypatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(landing_cache, "_generate", _fake_generator(calls))
    cache = tmp_path / "cache"
    landing_cache.demo_landing(tmp_path / "x", "202", root=cache)
    landing_cache.demo_landing(tmp_path / "z", "203", root=cache)
    (other_council,) = [p.name for p in cache.iterdir() if p.name.startswith("203-")]
    monkeypatch.setattr(landing_cache, "cache_key", lambda code: "f" * 64)  # the code changed
    landing_cache.demo_landing(tmp_path / "y", "202", root=cache)
    assert calls == ["202", "203", "202"]
    assert sorted(p.name for p in cache.iterdir()) == [f"202-{'f' * 24}", other_council]
    assert _tree(tmp_path / "y") == _tree(tmp_path / "x")


def test_the_key_follows_the_generators_code_and_libraries(tmp_path: Path, monkeypatch) -> None:
    package = Path(scorecard_demo.__file__).parent
    copy = tmp_path / "scorecard_demo"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    key = landing_cache.cache_key("916", copy)
    assert key == landing_cache.cache_key("916", package)
    assert key != landing_cache.cache_key("202", copy)
    draws = copy / "draws.py"
    draws.write_bytes(draws.read_bytes() + b"\n")  # one byte more in one module
    assert landing_cache.cache_key("916", copy) != key
    draws.write_bytes(draws.read_bytes()[:-1])
    (copy / "new_source.py").write_text("", encoding="utf-8")  # a module added
    assert landing_cache.cache_key("916", copy) != key
    (copy / "new_source.py").unlink()
    assert landing_cache.cache_key("916", copy) == key
    real_version = landing_cache.version
    monkeypatch.setattr(landing_cache, "version",
                        lambda name: "0.0" if name == "holidays" else real_version(name))
    assert landing_cache.cache_key("916", copy) != key  # new bank holidays: new dates


def test_an_unwritable_cache_generates_in_place(tmp_path: Path, monkeypatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(landing_cache, "_generate", _fake_generator(calls))
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("", encoding="utf-8")
    written = landing_cache.demo_landing(tmp_path / "x", "202", root=not_a_folder / "cache")
    assert calls == ["202"]
    assert [p.relative_to(tmp_path / "x").as_posix() for p in written] == \
        ["hr_sap/b.csv", "a.json"]


def test_two_processes_filling_at_once_both_get_the_files(tmp_path: Path, monkeypatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(landing_cache, "_generate", _fake_generator(calls, threading.Barrier(2)))
    cache, errors = tmp_path / "cache", []

    def fill(out: str) -> None:
        try:
            landing_cache.demo_landing(tmp_path / out, "202", root=cache)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=fill, args=(out,)) for out in ("x", "y")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and calls == ["202", "202"]
    assert _tree(tmp_path / "x") == _tree(tmp_path / "y") != {}
    assert [p.name for p in cache.iterdir()] == [f"202-{landing_cache.cache_key('202')[:24]}"]


def test_a_bad_council_code_is_refused_as_the_generator_refuses_it(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="three digits"):
        landing_cache.demo_landing(tmp_path / "x", "99", root=tmp_path / "cache")
    assert not (tmp_path / "cache").exists()

"""The CLI's compact tables fit 80 columns with every figure whole."""

from __future__ import annotations

from rich.console import Console

from benchgen.cli._common import compact_table


def _render(table: object, width: int = 80) -> list[str]:
    console = Console(width=width, record=True, color_system=None)
    console.print(table)
    return console.export_text().splitlines()


def test_a_calibrate_sized_table_fits_80_columns_unwrapped() -> None:
    columns = ("promoted\n/tried", "random\nper try", "median\nref", "best\nfixed",
               "robust\n±5%", "leaks", "targets")  # fmt: skip
    table = compact_table("Benchmark quality (50 scenarios per family)", "family", columns)
    figures = ("50/65", "100.0%", "100.0%", "100.0%", "100.0%", "100.0%", "missed")
    table.add_row("two_plank_bridge", *figures)
    lines = _render(table)
    assert max(len(line) for line in lines) <= 80
    row = next(line for line in lines if "two_plank_bridge" in line)
    assert row.split() == ["two_plank_bridge", *figures]  # one line: nothing wrapped


def test_the_first_column_is_left_and_figures_right_aligned() -> None:
    table = compact_table("t", "agent", ("tasks",))
    table.add_row("a", "1")
    table.add_row("oracle", "100")
    lines = [line for line in _render(table, width=40) if line.strip()]
    short, long = lines[-2], lines[-1]
    assert short.index("a") == long.index("o")
    assert short.rstrip().endswith("1") and len(short.rstrip()) == len(long.rstrip())

# benchgen: `make demo` runs the main job end to end, `make test` runs every test.
# Both set up a fresh machine first (scripts/setup.sh: apt packages, .venv, Godot web runtime).
.PHONY: setup demo test test-fast lint bench clean

VENV := .venv/bin
DEMO := out/demo

setup:
	@scripts/setup.sh

demo: setup
	$(VENV)/benchgen generate --family all --count 2 --seed 7 --out $(DEMO) --workers 2
	$(VENV)/benchgen verify $(DEMO) --godot
	$(VENV)/benchgen stats --out $(DEMO)
	@echo "Results: scenario folders in $(DEMO)/<family>/<id>/ (renders/contact_sheet.png, godot/scene.tscn), store $(DEMO)/benchgen.sqlite"

test: setup lint
	$(VENV)/pytest -q

# The edit-run loop: no test marked slow (servers, sandboxes, renders, subprocess CLIs)
# or godot (a Godot runtime); under 2 minutes on 2 cores. `make test` still runs them all.
test-fast: setup
	$(VENV)/pytest -q -m "not slow and not godot"

lint: setup
	$(VENV)/ruff check python tests benchmarks
	$(VENV)/ruff format --check python tests benchmarks
	$(VENV)/mypy
	$(VENV)/lint-imports --no-cache

bench: setup
	$(VENV)/python benchmarks/bench_pipeline.py --per-family 10 --workers 2

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache

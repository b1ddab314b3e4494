# Developer commands. The README's quick start is `make run` and `make test`.
.PHONY: run test coverage lint bench sample

run:  ## install and start the dashboard on the sample data
	scripts/run.sh

test:  ## install test needs and run every test
	scripts/test.sh

coverage:  ## the same tests, with the coverage of dashboard/ (slower: about 145 s more on two cores)
	COVERAGE=1 scripts/test.sh

lint:
	.venv/bin/ruff check .

bench:  ## import and page benchmarks (print figures)
	.venv/bin/python benchmarks/bench_import.py

sample:  ## regenerate the bundled sample data and outlines
	scripts/bootstrap.sh requirements-data.txt
	.venv/bin/python scripts/make_districts.py
	.venv/bin/python scripts/make_sample.py

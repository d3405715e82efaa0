# Two commands (see README): `make book` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-$(shell sha256sum requirements.txt | cut -c1-12)

.PHONY: book test install clean benchmark

$(STAMP): requirements.txt
	rm -f $(VENV)/.installed-*
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

install: $(STAMP)

## make book: install the pinned environment and build the site into _build/html
book: install
	$(BIN)/python scripts/build.py

## make test: install, build the book cold (-W, zero warnings), run every test
test: install
	$(BIN)/python scripts/build.py --cold
	$(BIN)/python -m pytest

## make benchmark: time cold/warm/data-edit builds and nbval, against a floor book
benchmark: install
	$(BIN)/python scripts/benchmark.py

clean:
	rm -rf _build

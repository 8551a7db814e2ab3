# 宿事速办 — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
DB ?= sushi
CONFIG ?= trytond.conf
# trytond.conf holds no file paths: they come from the checkout's location.
export TRYTOND_DATABASE__PATH ?= $(CURDIR)/db
export TRYTOND_WEB__ROOT ?= $(CURDIR)/.sao/package

.PHONY: run test install sao db serve bench po clean

run: install sao db
	TRYTOND_CONFIG_FILE=$(CONFIG) scripts/serve.sh $(DB)

test: install sao
	$(VENV)/bin/python scripts/runtests.py

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q --upgrade pip
	$(VENV)/bin/python -m pip install -q -e ".[test]"
	touch $@

sao: install
	scripts/install_sao.sh

db: install
	$(VENV)/bin/python scripts/setup_db.py --database $(DB) --config $(CONFIG)

serve:
	TRYTOND_CONFIG_FILE=$(CONFIG) scripts/serve.sh $(DB)

bench: install
	$(VENV)/bin/python bench/run.py

po: install
	scripts/update_po.sh

clean:
	rm -rf $(VENV) .sao db

# Developer shortcuts. The README's quick start needs only bash: scripts/run and scripts/test.
VENV ?= .venv
PYBABEL = $(VENV)/bin/pybabel

.PHONY: run test extract update compile translations vendor screen-reader accessibility-report

run:
	bash scripts/run

test:
	bash scripts/test

# Translations: extract the messages from code and templates, merge them into
# the Greek and English catalogues, compile them. See README "Translations".
extract:
	$(PYBABEL) extract --sort-by-file --no-wrap -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot .

update: extract
	$(PYBABEL) update --no-wrap --ignore-obsolete --no-fuzzy-matching -i translations/messages.pot -d translations
	$(VENV)/bin/python scripts/fill_english_catalogue.py

compile:
	$(PYBABEL) compile --statistics -d translations

translations: update compile

# Fetch and build @digigov/css, htmx and the Roboto font into static/vendor/.
vendor:
	bash scripts/vendor-assets

# Bundle the virtual screen reader the browser tests use into e2e/vendor/.
screen-reader:
	bash scripts/build-screen-reader

# Every page and state checked by axe-core, pa11y, Nu and Lighthouse: docs/accessibility-report.md.
accessibility-report:
	bash scripts/accessibility-report

"""The examples in the modules' docstrings are true: each module's doctests run here."""
import doctest
import importlib
import pkgutil

import pytest

import reportmine
from reportmine.lexicon import load_lexicon

MODULES = sorted(m.name for m in pkgutil.iter_modules(reportmine.__path__) if not m.name.startswith("_"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"reportmine.{name}")
    # the examples may use load_lexicon without importing it, as the module's readers would
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in finder.find(module, extraglobs={"load_lexicon": load_lexicon}):
        runner.run(test)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, f"{results.failed} of {results.attempted} examples in {name} failed"


def test_the_examples_are_found():
    # a module whose docstrings cannot be parsed would make the finder raise, not pass
    counted = 0
    for name in MODULES:
        module = importlib.import_module(f"reportmine.{name}")
        counted += sum(len(t.examples) for t in doctest.DocTestFinder().find(module))
    assert counted > 100

import pytest

from reportmine.lexicon import load_lexicon


@pytest.fixture(scope="session")
def lex():
    return load_lexicon()

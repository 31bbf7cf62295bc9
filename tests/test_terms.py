"""The terms table (doc_id, term, count), through the CLI."""
from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from reportmine.cli import cli
from reportmine.lexicon import shipped_dir
from reportmine.pipeline import is_term

TEXT = "签约率，签约率，签约率。征迁，征迁。的，了。2023，GDP。工作，工作。"


def terms(tmp_path, *extra, text=TEXT, name="t"):
    f = tmp_path / f"{name}.txt"
    f.write_text(text, encoding="utf-8")
    return CliRunner().invoke(cli, ["extract", str(f), "--table", "terms", "-j", "1", "-q", *extra])


def test_terms_with_counts_most_frequent_first(tmp_path):
    r = terms(tmp_path)
    assert r.exit_code == 0, r.stderr
    # 的 了 (single characters), 2023 (a number), punctuation and 工作 (a stopword) are dropped
    assert r.stdout == "doc_id,term,count\nt,签约率,3\nt,征迁,2\nt,GDP,1\n"


def test_top_n_per_document(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "d" / "b.txt").write_text("拆迁，拆迁。签约率。", encoding="utf-8")
    r = CliRunner().invoke(cli, ["extract", str(tmp_path / "d"), "--table", "terms", "--top", "1", "-j", "1", "-q"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "doc_id,term,count\na,签约率,3\nb,拆迁,2\n"


def test_ties_are_in_character_order(tmp_path):
    r = terms(tmp_path, text="征迁。签约率。拆迁。")
    assert r.stdout.splitlines()[1:] == [f"t,{w},1" for w in sorted(["征迁", "签约率", "拆迁"])]


def test_user_stopwords_and_domain_words(tmp_path):
    text = "腾空交房，腾空交房。征迁。"
    r = terms(tmp_path, text=text)
    assert "腾空交房" not in r.stdout          # jieba alone cuts it in two
    lex = tmp_path / "mine"
    lex.mkdir()
    (lex / "domain_words.txt").write_text("腾空交房 5000 n\n", encoding="utf-8")
    (lex / "stopwords.txt").write_text("# mine\n征迁\n", encoding="utf-8")
    r = terms(tmp_path, "--lexicons", str(lex), text=text)
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "doc_id,term,count\nt,腾空交房,2\n"


def test_terms_of_a_document_without_text_are_empty(tmp_path):
    r = terms(tmp_path, text="")
    assert r.stdout == "doc_id,term,count\n"


def test_is_term():
    assert [w for w in ["签约率", "的", "212", "3.5%", "，", "GDP", "5G", "—", "工作"] if is_term(w, frozenset({"工作"}))] \
        == ["签约率", "GDP", "5G"]


def test_stopword_list_is_clean():
    words = [w for line in (shipped_dir() / "stopwords.txt").read_text(encoding="utf-8").splitlines()
             for w in line.split("#", 1)[0].split()]
    assert len(words) > 100
    assert [w for w, n in Counter(words).items() if n > 1] == []
    # single characters are never terms, so listing them would only mislead
    assert [w for w in words if len(w) < 2] == []


def test_stopwords_ship_inside_the_package():
    assert (Path(shipped_dir()) / "stopwords.txt").is_file()

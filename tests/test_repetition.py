"""The repetition check: runs of ten or more words that two files of the guide share."""

from __future__ import annotations

from content_model.repetition import Repeat, find_repeats, prose_words, repeats_in

from conftest import ROOT

HEAD = "Title: A chapter\nSlug: a-chapter\nTopics: trust\n\n"
ADVICE = "When you are both calm, sit down together and say what you need from each other."


def test_a_shared_run_is_found_with_the_line_in_each_file():
    files = {
        "a.md": HEAD + "Opening words.\n\n" + ADVICE + "\n",
        "b.md": HEAD + "Other words here.\n\nMore.\n\nAnd then: " + ADVICE.upper() + "\n",
    }
    assert find_repeats(files) == [Repeat(
        "a.md", 7, "b.md", 9, 16,
        "when you are both calm sit down together and say what you need from each other",
    )]


def test_the_run_is_maximal_and_spans_lines_markup_and_punctuation():
    one = HEAD + "Be kind. When *you* are both calm,\nsit down together and say\nwhat you need. Then stop.\n"
    two = HEAD + "Start. when you are both calm -- sit down together, and say what you need! Then stop now.\n"
    [repeat] = find_repeats({"one.md": one, "two.md": two})
    assert (repeat.first_line, repeat.second_line) == (5, 5)
    assert repeat.words == 15
    assert repeat.text == "when you are both calm sit down together and say what you need then stop"


def test_nine_shared_words_are_not_a_repeat_and_ten_are():
    nine = "one two three four five six seven eight nine"
    assert find_repeats({"a.md": HEAD + nine + " a.\n", "b.md": HEAD + nine + " b.\n"}) == []
    [repeat] = find_repeats({"a.md": HEAD + nine + " ten a.\n", "b.md": HEAD + nine + " ten b.\n"})
    assert repeat.words == 10


def test_metadata_code_comments_card_topics_and_urls_are_not_prose():
    text = (
        "Title: " + ADVICE + "\nSlug: s\nSummary: " + ADVICE + "\n\n"
        "```\n" + ADVICE + "\n```\n\n"
        "Inline `" + ADVICE + "` code.\n\n"
        "<!-- " + ADVICE + " -->\n\n"
        "> [!TIP] Short title\n> Topics: trust, listening, conflict, patience, growth, humour, time, calm\n"
        "> Card text.\n\n"
        "[a link](https://example.org/when/you/are/both/calm/sit/down/together/and/say/what)\n"
    )
    words = [word for word, _ in prose_words(text)]
    assert words == ["inline", "code", "short", "title", "card", "text", "a", "link"]


def test_a_wiki_link_breaks_a_run_so_linking_is_never_a_repeat():
    link = "Read more in [[rebuilding-connection|Rebuilding connection after a distant spell, step by step]]."
    files = {"a.md": HEAD + "Start. " + link + "\n", "b.md": HEAD + "Other. " + link + "\n"}
    assert find_repeats(files) == []


def test_one_sentence_in_three_files_is_reported_for_each_pair_and_two_runs_separately():
    other = "Laugh together at least once a day, even when the week has been long and hard."
    files = {
        "a.md": HEAD + ADVICE + "\n\nSomething else entirely.\n\n" + other + "\n",
        "b.md": HEAD + ADVICE + "\n",
        "c.md": HEAD + "x\n\n" + ADVICE + " And " + other + "\n",
    }
    pairs = [(r.first, r.first_line, r.second, r.second_line) for r in find_repeats(files)]
    assert pairs == [("a.md", 5, "b.md", 5), ("a.md", 5, "c.md", 7), ("a.md", 9, "c.md", 7),
                     ("b.md", 5, "c.md", 7)]


def test_a_run_repeated_inside_one_file_is_not_reported():
    assert find_repeats({"a.md": HEAD + ADVICE + "\n\n" + ADVICE + "\n"}) == []


def test_lint_reports_a_repeat_as_an_error_naming_both_places(tmp_path):
    site = tmp_path / "content"
    (site / "pages").mkdir(parents=True)
    (site / "pages" / "one.md").write_text("Title: One\nSlug: one\n\nIntro.\n\n" + ADVICE + "\n")
    (site / "pages" / "two.md").write_text("Title: Two\nSlug: two\n\n" + ADVICE + "\n")
    [repeat] = repeats_in(site, shown_as=str(tmp_path))
    assert (repeat.first, repeat.first_line, repeat.second, repeat.second_line) == (
        "content/pages/one.md", 6, "content/pages/two.md", 4)
    assert "content/pages/two.md:4" in repeat.message()


def test_the_guide_says_each_piece_of_advice_once():
    repeats = repeats_in(ROOT / "content", shown_as=str(ROOT))
    assert not repeats, "\n".join(f"{r.first}:{r.first_line}: {r.message()}" for r in repeats)


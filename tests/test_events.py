import pandas as pd
import pytest

from framing.events import (ALIGNMENT_COLUMNS, EVENT_COLUMNS, UNIQUE_COLUMNS, align_event,
                            date_span, group_events, short, unique_items)

TEXTS = {
    "a": "Kim presided over a military commission meeting to review defense policy plans.",
    "b": "The military commission meeting presided over by Kim reviewed defense policy plans.",
    "c": "Farmers reported a record rice harvest in the southern provinces this autumn.",
    "d": "Kim presided over a military commission meeting to review defense policy plans.",
}


def _articles(dates, events=None):
    ids = list(dates)
    return pd.DataFrame({"article_id": ids, "outlet": [f"O{i}" for i in range(len(ids))],
                         "date": [dates[i] for i in ids],
                         "event": [(events or {}).get(i, "") for i in ids]})


@pytest.mark.parametrize(("dates", "events", "same", "different"), [
    ({"a": "2022-06-22", "b": "2022-06-23", "c": "2022-06-22"}, None, [("a", "b")], [("a", "c")]),
    # similar texts a month apart are different events
    ({"a": "2022-06-22", "d": "2022-07-30"}, None, [], [("a", "d")]),
    # an unknown date does not prevent grouping
    ({"a": "2022-06-22", "b": ""}, None, [("a", "b")], []),
    # a given event field overrides text similarity
    ({"a": "2022-06-22", "b": "2022-06-22"}, {"a": "x", "b": "y"}, [], [("a", "b")]),
])
def test_group_events(dates, events, same, different):
    table = group_events(_articles(dates, events), TEXTS)
    assert list(table.columns) == EVENT_COLUMNS
    ev = table.set_index("article_id")["event"]
    for x, y in same:
        assert ev[x] == ev[y]
    for x, y in different:
        assert ev[x] != ev[y]


def test_group_events_names_are_stable_and_sourced():
    arts = _articles({"a": "2022-06-22", "b": "2022-06-23", "c": "2022-06-22"}, {"c": "harvest"})
    first, second = group_events(arts, TEXTS), group_events(arts, TEXTS)
    pd.testing.assert_frame_equal(first, second)
    src = first.set_index("article_id")["event_source"]
    assert src["c"] == "given" and src["a"] == "grouped"
    assert first.set_index("article_id")["event"]["a"].startswith("auto-2022-06-22-")


def _event_sentences():
    rows = [
        ("a", "X", 0, "body", "asserted", "",
         "The commission met on Tuesday to review defense policy.", "threat_provocation"),
        ("a", "X", 1, "body", "direct", "Han",
         "\"We will deter every threat,\" Han said at the meeting.", "defensive_justification"),
        ("b", "Y", 0, "body", "asserted", "",
         "The commission met Tuesday to review its defense policy.", ""),
        ("b", "Y", 1, "body", "indirect", "analysts",
         "Analysts said farmers expect a record harvest of rice.", ""),
        ("b", "Y", 2, "dateline", "asserted", "", "SEOUL, June 22 (Yonhap) --", ""),
    ]
    return pd.DataFrame(rows, columns=["article_id", "outlet", "index", "kind", "voice", "source",
                                       "text", "frames"]).assign(event="e1")


def test_align_event_links_the_same_fact_across_outlets():
    table = align_event(_event_sentences())
    assert list(table.columns) == ALIGNMENT_COLUMNS
    shared = table[table["n_outlets"] == 2]
    assert set(zip(shared["article_id"], shared["index"])) == {("a", 0), ("b", 0)}
    assert "dateline" not in set(table["text"])            # datelines are not facts
    assert len(table[table["n_outlets"] == 1]) == 2


def test_align_event_single_outlet_has_no_shared_facts():
    one = _event_sentences()
    one = one[one["outlet"] == "X"]
    assert (align_event(one)["n_outlets"] == 1).all()


def test_unique_items_lists_sources_and_frames_of_one_outlet():
    sents = _event_sentences()
    table = unique_items("e1", align_event(sents), sents)
    assert list(table.columns) == UNIQUE_COLUMNS
    got = set(zip(table["outlet"], table["kind"], table["item"]))
    assert ("X", "source", "Han") in got and ("Y", "source", "analysts") in got
    assert ("X", "frame", "defensive_justification") in got


def test_unique_items_needs_two_outlets():
    sents = _event_sentences()
    sents = sents[sents["outlet"] == "X"]
    assert unique_items("e1", align_event(sents), sents).empty


@pytest.mark.parametrize(("dates", "expected"), [
    (["2022-06-23", "2022-06-22"], "2022-06-22 – 2022-06-23"),
    (["2022-06-22", ""], "2022-06-22"),
    ([""], ""),
])
def test_date_span(dates, expected):
    assert date_span(dates) == expected


def test_short():
    assert short("a  b\nc") == "a b c"
    assert short("x" * 200, 10).endswith("…") and len(short("x" * 200, 10)) == 10

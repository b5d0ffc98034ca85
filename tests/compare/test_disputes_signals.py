"""The soft signals of a decided dispute (``compare.dispute_signals``), on fictional sentences."""
from storyscope.compare.claims import analyse_text
from storyscope.compare.dispute_rules import value_conflict
from storyscope.compare.dispute_signals import (SIGNALS, absorbed_negation, implicit_negation, signals,
                                                subject_key)


def _value(x: str, y: str) -> dict:
    a, b = analyse_text(x), analyse_text(y)
    unit = value_conflict(a, b)
    assert unit is not None
    return signals("value", unit, a, b, (a["text"], b["text"]))


def test_one_quantity_of_one_holder():
    s = _value("Marlow Teague scored 14 points for the Herons.", "Marlow Teague scored 12 points for the Herons.")
    assert s["holder_same"] == 1.0 and s["holder_differ"] == 0.0 and s["predicate_same"] == 1.0
    s = _value("Police seized 12 rifles from the farmhouse in Brellin.",
               "Police seized seven rifles from the farmhouse in Brellin.")
    assert s["holder_same"] == 1.0 and s["value_part"] == 0.0


def test_two_holders_two_predicates_and_parts():
    s = _value("Marlow Teague scored 14 points for the Herons.", "Dessa Okafor scored 12 points for the Herons.")
    assert s["holder_differ"] == 1.0 and s["holder_same"] == 0.0 and s["subject_differ"] == 1.0
    s = _value("Twenty-eight girls went on the trip to Valdora.", "Seven girls became pregnant on the trip to Valdora.")
    assert s["predicate_same"] == 0.0
    s = _value("Teague scored 3 of his 11 points in the final minute.", "Teague scored 5 points in the final minute.")
    assert s["value_part"] == 1.0


def test_many_numbers():
    s = _value("Okafor completed 21 passes for 240 yards and two touchdowns.",
               "Okafor completed 19 passes for 240 yards and two touchdowns.")
    assert s["numbers_many"] == 1.0


def test_absorbed_negations():
    assert absorbed_negation("The plan was not the work of one person, but of several.")
    assert not absorbed_negation("The plan was not the work of one person.")
    assert absorbed_negation("She blamed the parents for not teaching their children.")
    assert not absorbed_negation("She did not blame the parents.")
    assert implicit_negation("She blamed the parents for failing to teach their children.")
    assert not implicit_negation("She blamed the parents for teaching their children.")


def test_denial_cue_and_subject():
    a = analyse_text("The ministry said the report that Halvik resigned was false.")
    b = analyse_text("Ondrej Halvik resigned from the ministry on Tuesday.")
    s = signals("negation", "", a, b, (a["text"], b["text"]))
    assert set(s) == set(SIGNALS) and s["denial_cue"] == 1.0
    a = analyse_text("Ondrej Halvik will not play the lead in the film.")
    b = analyse_text("Ondrej Halvik will play the lead in the film.")
    s = signals("negation", "", a, b, (a["text"], b["text"]))
    assert s["denial_cue"] == 0.0 and s["subject_same"] == 1.0 and s["negation_absorbed"] == 0.0
    assert subject_key("He will resign.") is None
    assert subject_key("The mayor of Brellin will resign.") == "mayor"


def test_negated_verb_shared():
    from storyscope.compare.dispute_signals import negated_verb_shared
    assert negated_verb_shared("Ondrej Halvik will not be playing the lead.", "Ondrej Halvik will play the lead.")
    assert not negated_verb_shared("Whatever you do, don't say Halvik.", "Halvik may return to the stage.")


def test_value_gap():
    import math
    from storyscope.compare.dispute_signals import value_gap
    a = analyse_text("The storm near Dellport injured two people on Sunday.")
    b = analyse_text("The storm near Dellport injured five people on Sunday.")
    assert value_conflict(a, b) == "people"
    assert math.isclose(value_gap(a, b, "people"), math.log(2.5), rel_tol=1e-6)
    a = analyse_text("Lena Morrow has led the Eastport council since 2002.")
    b = analyse_text("Lena Morrow has led the Eastport council since 2003.")
    assert value_conflict(a, b) == "date" and math.isclose(value_gap(a, b, "date"), math.log(2), rel_tol=1e-6)

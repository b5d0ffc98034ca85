"""`storyscope eval` through Typer's CliRunner on small fictional data in each dataset's layout: JSON on
stdout with every score a fraction (0 to 1), progress on stderr. The scores themselves are not quality
figures (the data is made up); the floors on the real datasets live in tests/evaluate."""
from __future__ import annotations

import csv
import json

from typer.testing import CliRunner

from storyscope.cli import app

SCORE_KEYS = {"p", "r", "f1", "precision", "recall", "accuracy", "relative_score", "macro_f1", "ari"}


def _scores(node, path=""):
    """(path, value) of every numeric score in a JSON result."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k in SCORE_KEYS and isinstance(v, (int, float)):
                yield f"{path}.{k}", v
            else:
                yield from _scores(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _scores(v, f"{path}[{i}]")


def _run(*args):
    r = CliRunner().invoke(app, list(args))
    assert r.exit_code == 0, (r.output, r.exception)
    res = json.loads(r.stdout)
    scores = list(_scores(res))
    assert scores and all(0.0 <= v <= 1.0 for _, v in scores), scores
    return res, r.stderr


def test_eval_stance_scores_are_fractions_with_progress(tmp_path):
    bodies = {"1": "The Orlen harbour authority said on Tuesday that the ferry strike had ended and crews were back.",
              "2": "Tolven council approved a new bridge toll after a four-hour debate on Monday night."}
    with (tmp_path / "test_bodies.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Body ID", "articleBody"])
        w.writerows(bodies.items())
    rows = [("Orlen ferry strike ends", "1", "agree"), ("Orlen ferry strike goes on", "1", "disagree"),
            ("Tolven bridge toll approved", "2", "agree"), ("Orlen ferry strike ends", "2", "unrelated")]
    with (tmp_path / "test_stances.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Headline", "Body ID", "Stance"])
        w.writerows(rows)
    res, err = _run("eval", "stance", "--data", str(tmp_path), "--split", "test")
    assert res["pairs"] == 4 and "stance: 4/4 pairs" in err


def test_eval_time_scores_are_fractions_with_progress(tmp_path):
    (tmp_path / "orlen.tml").write_text(
        '<?xml version="1.0" ?><TimeML><DOCID>orlen</DOCID><DCT><TIMEX3 tid="t0" type="DATE" value="2025-03-14" '
        'functionInDocument="CREATION_TIME">2025-03-14</TIMEX3></DCT><TEXT>The Orlen ferry crews returned to work '
        '<TIMEX3 tid="t1" type="DATE" value="2025-03-11">on Tuesday</TIMEX3> after a strike of '
        '<TIMEX3 tid="t2" type="DURATION" value="P2W">two weeks</TIMEX3>.</TEXT></TimeML>')
    res, err = _run("eval", "time", "--data", str(tmp_path))
    assert res["documents"] == 1 and res["gold"] == 2 and "eval time: 1/1 documents" in err


def test_eval_stories_scores_are_fractions_with_progress(tmp_path):
    texts = [("ferry", "Orlen ferry strike ends", "The Orlen ferry crews returned to work on Tuesday after a two-week strike."),
             ("ferry", "Ferry crews back in Orlen", "Ferry crews in Orlen ended their strike on Tuesday, the union said."),
             ("toll", "Tolven approves bridge toll", "Tolven council approved a bridge toll on Monday after a long debate."),
             ("toll", "Bridge toll passes in Tolven", "A new toll for the Tolven bridge passed the council on Monday night.")]
    data = tmp_path / "stories.jsonl"
    data.write_text("".join(json.dumps({"id": f"a{i}", "story": s, "outlet": f"Outlet {i}", "title": t, "text": x,
                                        "published": "2025-03-1" + str(i)}) + "\n"
                            for i, (s, t, x) in enumerate(texts)))
    res, err = _run("eval", "stories", "--data", str(data), "--no-peers", "--no-batch")
    assert res["articles"] == 4 and "eval stories: read 4/4 articles" in err


def test_eval_seeds_exit_code_says_whether_the_check_passed(tmp_path):
    text = "Mayor Ilsa Vantor said the Orlen ferry would run again on Friday."
    dossier = {"articles": [{"id": "x1", "path": "seeds/001_orlen.txt", "text": text}],
               "stories": [{"article_ids": ["x1"], "quotes": [], "claims": []}]}
    (tmp_path / "d.json").write_text(json.dumps(dossier))
    gold_ok = {"stories": {"ferry": ["001"]}}
    gold_bad = {"stories": {"ferry": ["001"]},
                "quotes": [{"article": "001", "anchor": "run again", "speaker": "Ilsa Vantor"}]}
    for name, gold, code in (("ok.json", gold_ok, 0), ("bad.json", gold_bad, 1)):
        (tmp_path / name).write_text(json.dumps(gold))
        r = CliRunner().invoke(app, ["eval", "seeds", str(tmp_path / "d.json"), "--gold", str(tmp_path / name)])
        res = json.loads(r.stdout)
        assert r.exit_code == code and res["pass"] is (code == 0), (r.output, res)

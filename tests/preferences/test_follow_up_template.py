"""`fiedler send --continue RUN --template NAME`: the follow-up's question from a template, its
placeholders filled with the run's files and the models asked (real processes, the demo)."""

from __future__ import annotations

import json
from pathlib import Path

from .test_templates import fiedler, write_template


def test_a_follow_up_question_from_a_template(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("print('hi')\n")
    env = {"FIEDLER_SAVE_PROMPT": "1", "FIEDLER_OUTPUT_DIR": str(tmp_path / "runs")}
    sent = fiedler(
        "--demo", "send", "app.py", "-p", "first look", "-m", "swift", "-m", "steady", "--json",
        cwd=tmp_path, **env,
    )  # fmt: skip
    assert sent.returncode == 0, sent.stderr
    run_id = json.loads(sent.stdout)["run_id"]
    write_template("again", "Now {{file_list}} once more, {{models}} ({{model_count}}).\n")
    write_template("bad", "{{fils}}\n")

    followed = fiedler(
        "--demo", "send", "--continue", run_id, "--template", "again", "-m", "demo-swift", "--json",
        cwd=tmp_path, **env,
    )  # fmt: skip
    assert followed.returncode == 0, followed.stderr
    turn = json.loads(followed.stdout)
    assert turn["turn"] == 2
    assert turn["prompt"]["text"] == "Now - app.py once more, demo-swift (1).\n"
    assert turn["models"][0]["status"] == "done"

    everyone = fiedler(
        "--demo", "send", "--continue", run_id, "--template", "again", "--json",
        cwd=tmp_path, **env,
    )  # fmt: skip
    assert everyone.returncode == 0, everyone.stderr
    assert json.loads(everyone.stdout)["prompt"]["text"] == (
        "Now - app.py once more, demo-swift, demo-steady (2).\n"
    )

    for name, said in (("bad", "templates/bad.md:1: unknown placeholder {{fils}}"),
                       ("gone", "unknown template 'gone'")):  # fmt: skip
        refused = fiedler(
            "--demo", "send", "--continue", run_id, "--template", name, cwd=tmp_path, **env
        )
        assert refused.returncode == 2, refused.stderr
        assert said in refused.stderr and "Traceback" not in refused.stderr
    assert not (tmp_path / "runs" / run_id / "turns" / "4").exists()

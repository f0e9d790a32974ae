"""JourneyEditor: edits through the controls, undo/redo, save, validation, labels."""

from __future__ import annotations

import os

import pytest

import cxkit as cx
import cxkit.viz
from cxkit.widgets import JourneyEditor


@pytest.fixture
def billing():
    return cx.load_journey("billing_inquiry")


@pytest.fixture
def editor(billing):
    return JourneyEditor(billing)


def test_the_experience_slider_edits_the_step_and_the_peak_end(editor, billing):
    # Model reference Example A: the delightful ending (experience 10 vs 7) is worth 1.5 points
    editor._steps.value = 3
    assert editor.selected == 3
    assert editor._experience.value == 10.0
    editor._experience.value = 7.0
    assert editor.journey.steps[3].experience == 7.0
    assert editor.journey.evaluate().aggregate.peak_end == -3.0
    assert billing.evaluate().aggregate.peak_end == -1.5  # the original is untouched
    assert editor.status == "Step 4 changed."
    assert "−3.00" in editor._summary.value


def test_the_map_redraws_with_the_edited_journey(editor):
    editor.edit(step=0, expectation=2.0)
    assert editor.map_spec == cxkit.viz.journey_map(editor.journey).to_dict(validate=False)
    assert editor.chart.last.path == "fast"
    assert editor.timer.seconds > 0 and editor.timer.cpu_seconds > 0


def test_unchecking_set_clears_the_expectation(editor, billing):
    editor._steps.value = 1
    editor._expectation.value = 8.0
    assert editor.journey.steps[1].expectation == 8.0
    editor._expectation_set.value = False
    assert editor.journey.steps[1].expectation is None
    assert editor._expectation.disabled
    # the step falls back on its call reason's expectation at the touchpoint (6 points)
    assert editor.journey.evaluate().steps[1].expectation == 6.0
    assert editor._expectation.value == 6.0  # the slider shows the effective value
    editor._expectation_set.value = True
    assert editor.journey.steps[1].expectation == 6.0


def test_a_locked_slider_says_why(editor):
    """Step 2's experience is derived from its 3-minute wait: the slider is locked and says so."""
    editor._steps.value = 1
    assert editor._experience.disabled and not editor._experience_set.value
    expected = "Derived from the wait (3 min against 1 min expected): tick &quot;set&quot; to"
    assert expected in editor._experience_why.value
    assert editor._experience.tooltip.startswith("Derived from the wait")
    editor._experience_set.value = True  # set it by hand: unlocked, no note
    assert not editor._experience.disabled and editor._experience_why.value == ""
    editor._steps.value = 0  # a step with both scores set: no note at all
    assert editor._expectation_why.value == "" and editor._experience_why.value == ""


def test_a_locked_slider_says_why_in_japanese():
    editor = JourneyEditor(cx.load_journey("complaint_recovery_ja"))
    editor._steps.value = 2  # the 12-minute queue
    assert "待ち時間から算出（期待 2分 に対し 12分）" in editor._experience_why.value
    assert "「入力」にチェック" in editor._experience_why.value


def test_emotion_choice_is_explicit_or_auto(editor):
    editor._steps.value = 0
    editor._emotion.value = "delighted"
    assert editor.journey.steps[0].emotion is cx.Emotion.DELIGHTED
    assert editor.journey.evaluate().steps[0].emotion_source == "explicit"
    editor._emotion.value = "auto"
    assert editor.journey.steps[0].emotion is None
    assert editor.journey.evaluate().steps[0].emotion_source == "computed"


def test_text_fields_become_step_fields(editor):
    editor._steps.value = 2
    editor._action.value = "Explains the charge"
    editor._notes.value = "  from the interview  "
    editor._pain.value = "long wait\n\n  had to repeat  \n"
    editor._opps.value = "callback"
    s = editor.journey.steps[2]
    assert s.action == "Explains the charge"
    assert s.notes == "from the interview"
    assert s.pain_points == ("long wait", "had to repeat")
    assert s.opportunities == ("callback",)


def test_stage_and_touchpoint_dropdowns(editor, billing):
    editor._steps.value = 0
    editor._touchpoint.value = "agent"
    editor._stage.value = billing.stages[-1].id
    s = editor.journey.steps[0]
    assert (s.touchpoint, s.stage) == ("agent", billing.stages[-1].id)


def test_add_remove_and_reorder_with_the_buttons(editor, billing):
    ids = [s.id for s in billing.steps]
    editor._steps.value = 1
    editor._add_btn.click()
    assert len(editor.journey.steps) == 5
    assert editor.selected == 2
    new = editor.journey.steps[2]
    assert (new.stage, new.touchpoint, new.action) == (
        billing.steps[1].stage,
        billing.steps[1].touchpoint,
        "",
    )
    editor._remove_btn.click()
    assert [s.id for s in editor.journey.steps] == ids
    editor._steps.value = 0
    editor._down_btn.click()
    assert [s.id for s in editor.journey.steps] == [ids[1], ids[0], *ids[2:]]
    assert editor.selected == 1
    editor._up_btn.click()
    assert [s.id for s in editor.journey.steps] == ids
    assert editor._up_btn.disabled  # the first step cannot move up


def test_undo_and_redo(editor, billing):
    editor.edit(step=0, experience=1.0)
    editor.edit(step=1, experience=2.0)
    editor.remove_step(3)
    assert len(editor.journey.steps) == 3
    editor._undo_btn.click()
    assert len(editor.journey.steps) == 4 and editor.journey.steps[1].experience == 2.0
    editor.undo()
    editor.undo()
    assert editor.journey == billing
    assert not editor.can_undo and editor._undo_btn.disabled
    editor.undo()
    assert editor.status == "Nothing to undo."
    editor._redo_btn.click()
    assert editor.journey.steps[0].experience == 1.0
    editor.edit(step=2, action="new branch")  # a new edit forgets what was undone
    assert not editor.can_redo
    editor.redo()
    assert editor.status == "Nothing to redo."


def test_an_edit_that_changes_nothing_is_not_an_undo_step(editor, billing):
    editor.edit(step=0, experience=billing.steps[0].experience)
    assert not editor.can_undo


def test_save_writes_yaml_atomically_and_round_trips(editor, tmp_path):
    target = tmp_path / "journey.yaml"
    editor.edit(step=3, experience=7.0, pain_points=["「待ち時間」が長い", "a: b # c"])
    editor._path_field.value = str(target)
    editor._save_btn.click()
    assert cx.load_journey(target) == editor.journey
    assert os.listdir(tmp_path) == ["journey.yaml"]  # no temporary file left behind
    assert editor.path == target
    assert editor.status.startswith(f"Saved {target} at ")
    # saving again replaces the file in one step
    editor.edit(step=0, experience=3.0)
    assert editor.save() == target
    assert cx.load_journey(target).steps[0].experience == 3.0


def test_a_failed_save_leaves_the_old_file(editor, tmp_path, monkeypatch):
    target = tmp_path / "journey.yaml"
    editor.save(target)
    before = target.read_bytes()
    editor.edit(step=0, experience=0.0)

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(cx.CxkitError, match="disk full"):  # an OSError is a CxkitError now
        editor.save()
    monkeypatch.undo()
    assert target.read_bytes() == before
    assert os.listdir(tmp_path) == ["journey.yaml"]


def test_save_without_a_path_or_folder_is_an_error(editor, tmp_path):
    with pytest.raises(cx.CxkitError, match="no file to save to"):
        editor.save()
    assert editor._status.value.count("No file to save to") == 1
    with pytest.raises(cx.CxkitError, match="does not exist"):
        editor.save(tmp_path / "missing" / "j.yaml")
    assert "does not exist" in editor.status
    editor._save_btn.click()  # the button reports the error in the status line
    assert "No file to save to" in editor.status


def test_the_validation_panel_lists_problems(editor, billing):
    assert editor.problems == []
    assert "No problems found." in editor._problems.value
    broken = billing.with_step(0, stage="nowhere")
    editor.set_journey(broken)
    errors = [p for p in editor.problems if p.severity == "error"]
    assert errors and "nowhere" in errors[0].message
    assert "Problems: 1 error(s)" in editor._problems.value
    assert "nowhere" in editor._problems.value
    editor.undo()
    assert editor.problems == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"expectation": 11},
            r"`expectation` must be a number of points from 0 to 10, or None, got 11",
        ),
        ({"experience": "high"}, r"`experience` must be .* got 'high'"),
        ({"effort": 0.5}, r"`effort` must be a CES from 1 to 5, or None, got 0.5"),
        ({"emotion": "happy"}, r"`emotion` must be 'dissatisfied', .* got 'happy'"),
        ({"stage": "resolv"}, r"`stage`: unknown stage 'resolv'; did you mean 'resolution'\?"),
        ({"touchpoint": "phone"}, r"unknown touchpoint 'phone'"),
        ({"experiance": 3}, r"unknown step field 'experiance'; did you mean 'experience'\?"),
        ({"wait_s": 3}, r"'wait_s' is not edited by the JourneyEditor"),
    ],
)
def test_bad_edits_name_the_field_the_value_and_what_was_expected(editor, changes, message):
    with pytest.raises(cx.CxkitError, match=message):
        editor.edit(step=0, **changes)
    assert not editor.can_undo


def test_bad_structure_edits(editor):
    with pytest.raises(cx.CxkitError, match="step index 9 is out of range"):
        editor.select(9)
    with pytest.raises(cx.CxkitError, match=r"`to` must be a whole number from 0 to 3, got 4"):
        editor.move_step(0, 4)
    with pytest.raises(cx.CxkitError, match=r"`step` must be a cxkit.Step"):
        editor.add_step("a step")
    with pytest.raises(cx.CxkitError, match=r"`journey` must be a cxkit\.Journey"):
        JourneyEditor(42)


def test_japanese_labels(billing):
    ed = JourneyEditor(billing, lang="ja")
    assert ed._undo_btn.description == "元に戻す"
    assert ed._expectation.description == "事前期待"
    labels = [label for label, _ in ed._emotion.options]
    assert labels == ["自動 (ギャップから判定)", "不満", "満足", "感動"]
    ed.edit(step=0, experience=9.0)
    assert ed.status == "ステップ1を変更しました。"
    assert ed.map_spec == cxkit.viz.journey_map(ed.journey, lang="ja").to_dict(validate=False)


def test_english_emotion_options_show_the_japanese_labels_too(editor):
    labels = [label for label, _ in editor._emotion.options]
    assert labels[1:] == ["dissatisfied · 不満", "satisfied · 満足", "delighted · 感動"]


def test_the_editor_takes_a_template_name_and_a_path(tmp_path):
    ed = JourneyEditor("web_phone_faq", path=tmp_path / "x.yaml")
    assert ed.journey == cx.load_journey("web_phone_faq")
    assert ed._path_field.value == str(tmp_path / "x.yaml")

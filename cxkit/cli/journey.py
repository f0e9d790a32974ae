"""Journey commands: ``cxkit templates``, ``new``, ``validate`` and ``show``.

The commands are thin: they resolve their arguments, call the API
(:func:`cxkit.load_journey`, :func:`cxkit.io.validate_file`,
:meth:`cxkit.Journey.evaluate`) and print. Every ``--json`` output is the stable
contract documented in ``docs/reference/cli.md``: an object whose first keys are
``cxkit`` (the version) and ``command``, followed by the command's payload.

The pure helpers below build those payloads and texts, so that they can be used
and tested without a terminal:

>>> from cxkit.cli.journey import show_payload
>>> import cxkit as cx
>>> payload = show_payload(cx.load_journey("billing_inquiry"), lang="ja")
>>> payload["command"], payload["aggregate"]["peak_end"], payload["aggregate"]["emotion_label"]
('show', -1.5, '不満')
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import click

from cxkit.cli._common import (
    JOURNEY_SUFFIXES,
    echo_json,
    echo_text,
    envelope,
    lang_option,
    load_journey_arg,
    looks_like_name,
    resolve_source,
    text_width,
)
from cxkit.cli._common import table as _table
from cxkit.cli._design_flow import render_design_flow
from cxkit.core.errors import CxkitError, Problem
from cxkit.core.i18n import label, resolve_lang
from cxkit.core.journey import Journey
from cxkit.core.suggest import did_you_mean
from cxkit.io import (
    atomic_write_text,
    dump_journey,
    dumps_json,
    list_templates,
    load_journey,
    loads_journey,
    template_path,
    validate_file,
)
from cxkit.io.source import read_yaml

__all__ = [
    "FileReport",
    "new_journey_text",
    "register",
    "render_show",
    "render_templates",
    "show_payload",
    "slugify_id",
    "templates_payload",
    "validate_sources",
]

#: Suffixes `validate`, `show` and `new` take: journey files and Excel journey grids
#: (not in JOURNEY_SUFFIXES, where an .xlsx is an event log to the analytics commands).
GRID_SUFFIXES = (".xlsx",)
_FILE_SUFFIXES = JOURNEY_SUFFIXES + GRID_SUFFIXES

#: The id pattern of the journey format (``cxkit/io/schema.py``'s ``Id``).
_ID_PATTERN = re.compile(r"^[\w][\w.\-]*$")
_ID_MAX = 80
_ID_EXPECTED = (
    "an id: letters, digits, '_', '-' or '.', starting with a letter, digit or '_' "
    f"(no spaces, at most {_ID_MAX} characters)"
)


# -- helpers -------------------------------------------------------------------------------
def _clip(text: str, width: int) -> str:
    """Shorten ``text`` to ``width`` columns with an ellipsis."""
    if text_width(text) <= width:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def _num(value: float | None) -> str:
    """A number as people read it: ``-4``, ``-1.75``, ``0.5333``; ``–`` for none."""
    if value is None:
        return "–"
    return f"{float(value):.4g}" if value != 0 else "0"


# -- templates -----------------------------------------------------------------------------
def templates_payload() -> dict[str, Any]:
    """The ``cxkit templates --json`` document: every built-in template, loaded.

    A template that fails to load is listed with ``valid: false`` and its error
    rather than hiding the others.

    >>> t = next(t for t in templates_payload()["templates"] if t["name"] == "billing_inquiry")
    >>> t["title"], t["language"], t["steps"], t["valid"]
    ('Billing inquiry (cxkit model reference, Example A)', 'en', 4, True)
    """
    items = []
    for name in list_templates():
        path = template_path(name)
        try:
            j = load_journey(path)
        except CxkitError as exc:
            items.append(
                {
                    "name": name,
                    "title": None,
                    "language": None,
                    "steps": None,
                    "stages": None,
                    "touchpoints": None,
                    "tags": [],
                    "path": str(path),
                    "valid": False,
                    "error": str(exc),
                }
            )
            continue
        items.append(
            {
                "name": name,
                "title": j.title,
                "language": j.language,
                "steps": len(j.steps),
                "stages": len(j.stages),
                "touchpoints": len(j.graph.touchpoints),
                "tags": list(j.tags),
                "path": str(path),
                "valid": True,
                "error": None,
            }
        )
    return envelope("templates", templates=items)


def render_templates(payload: dict[str, Any], lang: str = "en") -> str:
    """The text table of ``cxkit templates``.

    >>> lines = render_templates(templates_payload()).splitlines()
    >>> lines[0].split()
    ['Template', 'Title', 'Language', 'Steps']
    >>> next(line for line in lines if line.startswith("billing_inquiry")).split()[-2:]
    ['en', '4']
    """
    rows = [[label(k, lang) for k in ("template", "title", "language", "steps")]]
    for t in payload["templates"]:
        if t["valid"]:
            rows.append([t["name"], t["title"] or "", t["language"], str(t["steps"])])
        else:
            first = str(t["error"]).splitlines()[0]
            rows.append([t["name"], _clip(f"(invalid: {first})", 60), "–", "–"])
    return "\n".join(_table(rows, indent=""))


# -- new -----------------------------------------------------------------------------------
def slugify_id(stem: str) -> str:
    """A journey id made from a file stem: invalid characters become ``_``.

    >>> slugify_id("My journey (v2)")
    'My_journey_v2'
    >>> slugify_id("請求の問い合わせ")
    '請求の問い合わせ'
    >>> slugify_id("---")
    'journey'
    """
    slug = re.sub(r"[^\w.\-]+", "_", stem).strip("._-")
    return slug[:_ID_MAX] or "journey"


def _check_id(value: str, option: str = "--id") -> str:
    if not _ID_PATTERN.match(value) or len(value) > _ID_MAX:
        raise CxkitError(f"{option} must be {_ID_EXPECTED}; got {value!r}")
    return value


def _replace_top_level_id(text: str, old: str, new: str, file: str) -> str | None:
    """``text`` with the value of the top-level ``id`` replaced, comments kept.

    ``None`` when the value is not written in a form this can edit safely.
    """
    located = read_yaml(text, file)
    position = located.values.get(("id",))
    if position is None:
        return None
    line_no, col = position
    lines = text.splitlines(keepends=True)
    line = lines[line_no - 1]
    start = col - 1
    for quote in ("", "'", '"'):
        token = f"{quote}{old}{quote}"
        if line.startswith(token, start):
            end = start + len(token)
            rest = line[end:]
            if rest.strip() and not rest.lstrip().startswith("#"):
                return None
            lines[line_no - 1] = line[:start] + new + rest
            return "".join(lines)
    return None


def blank_journey_path(lang: str = "en") -> Path:
    """The blank journey that ``cxkit new`` starts from without a template.

    Examples
    --------
    >>> from cxkit.io import load_journey
    >>> j = load_journey(blank_journey_path("ja"))
    >>> j.language, len(j.steps), j.is_valid
    ('ja', 2, True)
    """
    if lang not in ("en", "ja"):
        raise CxkitError(f"`lang` must be 'en' or 'ja', got {lang!r}")
    return Path(__file__).resolve().parent.parent / "templates" / "blank" / f"{lang}.yaml"


def new_journey_text(
    template: str, target: str | os.PathLike[str], journey_id: str | None = None
) -> tuple[str, Journey]:
    """The text of a new journey file copied from ``template``, and the journey it holds.

    Parameters
    ----------
    template
        A template name or a journey file to copy.
    target
        Where the file will be written; its suffix chooses YAML (``.yaml``/``.yml``,
        the template's text with its comments) or JSON (``.json``).
    journey_id
        The new file's ``id``; ``None`` keeps the template's, ``""`` uses the
        target's file stem (made a valid id by :func:`slugify_id`).

    Examples
    --------
    >>> text, j = new_journey_text("billing_inquiry", "my_billing.yaml", journey_id="")
    >>> j.id, "id: my_billing" in text, text.startswith("# cxkit model reference Example A")
    ('my_billing', True, True)
    """
    target_path = Path(os.fspath(target))
    suffix = target_path.suffix.lower()
    if suffix not in JOURNEY_SUFFIXES:
        raise CxkitError(
            f"PATH must end in {', '.join(JOURNEY_SUFFIXES)}; got {os.fspath(target)!r}"
        )
    source = resolve_source(template)
    try:
        text = source.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CxkitError(f"{source}: cannot read: {exc}") from None
    journey = loads_journey(text, file=str(source))
    if journey_id is not None:
        new_id = _check_id(journey_id) if journey_id else slugify_id(target_path.stem)
        edited = _replace_top_level_id(text, journey.id, new_id, str(source))
        journey = journey.replace(id=new_id)
        text = edited if edited is not None else dump_journey(journey)
    if suffix == ".json":
        text = dumps_json(journey) + "\n"
    elif source.suffix.lower() == ".json":  # a JSON journey copied to a YAML file
        text = dump_journey(journey)
    checked = loads_journey(text, file=str(target_path))
    if checked != journey:  # pragma: no cover - a guard against a bad text edit
        raise CxkitError(f"{target_path}: the copied journey differs from the template")
    return text, checked


# -- validate ------------------------------------------------------------------------------
@dataclass(frozen=True)
class FileReport:
    """The problems of one ``cxkit validate`` argument (a file or a template name).

    Parameters
    ----------
    file
        The argument as given (or the file found in a folder argument).
    path
        The journey file read, when the argument resolved to one.
    problems
        Errors and warnings, errors first.
    """

    file: str
    path: str | None
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Problems of severity ``"error"``."""
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Problems of severity ``"warning"``."""
        return tuple(p for p in self.problems if p.severity == "warning")

    def is_valid(self, strict: bool = False) -> bool:
        """No error (and, when ``strict``, no warning either)."""
        return not self.errors and not (strict and self.warnings)

    def to_dict(self, strict: bool = False) -> dict[str, Any]:
        """The ``files[]`` record of ``cxkit validate --json``."""
        return {
            "file": self.file,
            "resolved": self.path,
            "valid": self.is_valid(strict),
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "problems": [p.to_dict() for p in self.problems],
        }


def _not_found(source: str) -> Problem:
    if looks_like_name(source):
        names = list_templates()
        return Problem(
            "no journey file or template with this name",
            file=source,
            expected="a journey file (.yaml, .yml, .json) or a template name",
            hint=did_you_mean(source, names) or ("templates: " + ", ".join(names)),
            code="not-found",
        )
    try:
        resolve_source(source)
    except CxkitError as exc:
        message = str(exc).removeprefix(f"{source}: ")
    else:  # pragma: no cover - only called when resolution failed
        message = "cannot be read"
    return Problem(message, file=source, code="not-found")


def _report(file: str, path: Path) -> FileReport:
    problems = validate_file(path)
    problems = sorted(problems, key=lambda p: p.severity != "error")
    return FileReport(file, str(path), tuple(problems))


def validate_sources(sources: Iterable[str]) -> list[FileReport]:
    """Validate files, folders (their ``*.yaml``/``*.yml``/``*.json``) and template names.

    A source that cannot be found or read is a report with one problem; nothing
    raises.

    >>> [r] = validate_sources(["billing_inquiry"])
    >>> r.is_valid(), r.problems
    (True, ())
    >>> [r] = validate_sources(["no/such/file.yaml"])
    >>> r.is_valid(), r.problems[0].format()
    (False, 'no/such/file.yaml: no such file (folder no/such does not exist)')
    """
    reports = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() in _FILE_SUFFIXES)
            if not files:
                reports.append(
                    FileReport(
                        source,
                        None,
                        (
                            Problem(
                                "folder holds no journey files",
                                file=source,
                                expected="files ending in " + ", ".join(_FILE_SUFFIXES),
                                code="not-found",
                            ),
                        ),
                    )
                )
            reports += [_report(str(f), f) for f in files]
            continue
        try:
            resolved = resolve_source(source)
        except CxkitError:
            reports.append(FileReport(source, None, (_not_found(source),)))
            continue
        reports.append(_report(source, resolved))
    return reports


# -- show ----------------------------------------------------------------------------------
def show_payload(journey: Journey, lang: str | None = None) -> dict[str, Any]:
    """The ``cxkit show --json`` document of a journey.

    ``steps``, ``aggregate`` and ``effort`` are :meth:`JourneyEvaluation.to_dict`'s
    (the design-time figures); each step also gets its stage label, touchpoint label
    and channel. ``design_vs_flow`` puts each metric's design-time figure beside its
    flow-time one (every customer, the journey's chain) and says why they differ
    (:func:`cxkit.sim.design_flow.design_vs_flow`, Monte Carlo with
    ``FLOW_CUSTOMERS`` customers and ``FLOW_SEED``).

    Parameters
    ----------
    journey
        The journey to summarise.
    lang
        Language of the emotion labels (``"en"`` or ``"ja"``); by default the
        journey's own language when it is one of those, else English.

    Examples
    --------
    >>> import cxkit as cx
    >>> p = show_payload(cx.load_journey("billing_inquiry"))
    >>> [s["valence"] for s in p["steps"]], p["effort"]["ces5"]
    ([-4.0, -6.0, 0.0, 3.0], 2.5)
    """
    from cxkit.sim.design_flow import design_vs_flow

    lang = resolve_lang(lang, journey)
    evaluation = journey.evaluate().to_dict(lang)
    g = journey.graph
    stage_labels = {s.id: s.display for s in journey.stages}
    steps = []
    for record in evaluation["steps"]:
        tp = g.touchpoint(record["touchpoint"]) if g.has_touchpoint(record["touchpoint"]) else None
        steps.append(
            {
                **record,
                "stage_label": stage_labels.get(record["stage"], record["stage"]),
                "touchpoint_label": tp.display if tp else record["touchpoint"],
                "channel": tp.channel if tp else None,
            }
        )
    persona = journey.persona
    return envelope(
        "show",
        lang=lang,
        journey={
            "id": journey.id,
            "title": journey.title,
            "language": journey.language,
            "description": journey.description,
            "tags": list(journey.tags),
            "source": journey.source,
            "persona": None
            if persona is None
            else {
                "name": persona.name,
                "description": persona.description,
                "goals": list(persona.goals),
                "frustrations": list(persona.frustrations),
            },
            "stages": [
                {
                    "id": s.id,
                    "label": s.display,
                    "steps": [i for i, st in enumerate(journey.steps) if st.stage == s.id],
                }
                for s in journey.stages
            ],
            "n_steps": len(journey.steps),
            "n_touchpoints": len(g.touchpoints),
            "n_handoffs": len(g.handoffs),
            "n_outcomes": len(g.outcomes),
        },
        parameters={
            "emotion": asdict(journey.params.emotion),
            "effort": asdict(journey.params.effort),
        },
        steps=steps,
        aggregate=evaluation["aggregate"],
        effort=evaluation["effort"],
        design_vs_flow=design_vs_flow(journey).to_dict(lang),
    )


def render_show(journey: Journey, lang: str | None = None, *, width: int = 100) -> str:
    """The readable summary printed by ``cxkit show``.

    Examples
    --------
    >>> import cxkit as cx
    >>> text = render_show(cx.load_journey("billing_inquiry"), lang="ja")
    >>> "ピーク・エンド" in text and "-1.5" in text and "不満" in text
    True
    """
    lang = resolve_lang(lang, journey)
    p = show_payload(journey, lang)
    lines = _show_heading(p, lang)
    lines += _show_steps(p, lang, width)
    lines += _show_aggregates(p, lang)
    lines += ["", *render_design_flow(p["design_vs_flow"], lang)]
    return "\n".join(lines)


def _show_heading(p: dict[str, Any], lang: str) -> list[str]:
    """The title, id line, source and persona of :func:`render_show`."""
    j = p["journey"]
    lines = [j["title"] or j["id"]]
    lines.append(
        f"id: {j['id']} · {label('language', lang)}: {j['language']} · "
        f"{len(p['steps'])} {label('steps', lang).lower()}"
    )
    if j["source"]:
        lines.append(str(j["source"]))
    if j["persona"]:
        persona = j["persona"]
        lines += ["", f"{label('persona', lang)}: {persona['name']}"]
        if persona["description"]:
            lines.append(f"  {persona['description'].strip()}")
        for key in ("goals", "frustrations"):
            if persona[key]:
                lines.append(f"  {label(key, lang)}: " + "; ".join(persona[key]))
    return lines


def _step_row(s: dict[str, Any], action_width: int) -> list[str]:
    """One row of the steps table of :func:`render_show`."""
    d = s["disconfirmation"]
    return [
        str(s["index"] + 1),
        _clip(s["touchpoint_label"], 24),
        _clip(s["action"] or "", action_width),
        _num(s["expectation"]),
        _num(s["experience"]),
        ("+" if d is not None and d > 0 else "") + _num(d),
        _num(s["valence"]),
        s["emotion_label"] or "–",
        _num(s["effort"]),
    ]


def _show_steps(p: dict[str, Any], lang: str, width: int) -> list[str]:
    """The steps of :func:`render_show`, one table cut by stage (columns aligned)."""
    j = p["journey"]
    lines: list[str] = []
    header = [
        "#",
        label("touchpoint", lang),
        label("action", lang),
        "E",
        "P",
        "D",
        label("valence", lang),
        label("emotion", lang),
        label("effort", lang),
    ]
    staged = {s["id"] for s in j["stages"]}
    groups = [(s["label"], s["steps"]) for s in j["stages"] if s["steps"]]
    loose = [s["index"] for s in p["steps"] if s["stage"] not in staged]
    if loose:
        groups.append(("?", loose))
    by_index = {s["index"]: s for s in p["steps"]}

    # one table for all stages, so that the columns line up across stages
    fixed = _table([header] + [_step_row(s, 1) for s in p["steps"]], indent="")
    used = (text_width(fixed[0]) if fixed else 0) - text_width(label("action", lang))
    action_width = max(24, width - 2 - used)
    rows = [header] + [_step_row(s, action_width) for s in p["steps"]]
    table = _table(rows, align="rllrrrrll")
    position = {s["index"]: k + 1 for k, s in enumerate(p["steps"])}
    for k, (stage_label, indices) in enumerate(groups, 1):
        lines += ["", f"{label('stage', lang)} {k}: {stage_label}", table[0]]
        lines += [table[position[i]] for i in indices if i in by_index]
    return lines


def _show_aggregates(p: dict[str, Any], lang: str) -> list[str]:
    """The aggregates (peak–end, CSAT, NPS) and effort breakdown of :func:`render_show`."""
    lines = ["", label("aggregates", lang)]
    agg = p["aggregate"]
    rows: list[list[str]] = []
    if agg is None:
        lines.append("  " + label("no_valence", lang))
    else:
        peak_step = agg["peak_step_index"] + 1
        rows += [
            [label("peak_end", lang), _num(agg["peak_end"])],
            [
                f"  {label('peak', lang)} ({label('step', lang).lower()} {peak_step})",
                _num(agg["peak"]),
            ],
            [f"  {label('end', lang)}", _num(agg["end"])],
            [label("mean", lang), _num(agg["mean"])],
            [label("recency", lang), _num(agg["recency"])],
            [label("remembered", lang), _num(agg["score"])],
            [label("journey_emotion", lang), agg["emotion_label"]],
            [label("csat", lang), str(agg["csat5"])],
            [label("nps", lang), str(agg["nps10"])],
        ]
    effort = p["effort"]
    weights = p["parameters"]["effort"]
    rows.append([label("ces", lang), _num(effort["ces5"])])
    for key, count, weight in (
        ("switches", effort["switches"], weights["w_switch"]),
        ("reexplanations", effort["reexplanations"], None),
        ("transfers", effort["transfers"], weights["w_transfer"]),
        ("repeat_contacts", effort["repeat_contacts"], weights["w_repeat_contact"]),
        ("excess_wait", effort["excess_wait_minutes"], weights["w_wait_per_minute"]),
    ):
        points = effort["reexplain_effort"] if weight is None else count * weight
        added = f"  (+{_num(points)})" if count else ""
        rows.append([f"  {label(key, lang)}", _num(count) + added])
    lines += _table(rows)
    return lines


# -- click commands ------------------------------------------------------------------------
@click.command("templates")
@click.option("--json", "as_json", is_flag=True, help="Print the stable JSON document.")
def templates_command(as_json: bool) -> None:
    """List the built-in journey templates (name, title, language, steps)."""
    payload = templates_payload()
    if as_json:
        echo_json(payload)
        return
    echo_text(render_templates(payload))
    for t in payload["templates"]:
        if not t["valid"]:
            echo_text(f"cxkit: warning: template {t['name']!r} does not load", err=True)


@click.command("new")
@click.argument("path", metavar="PATH")
@click.option(
    "--template",
    "-t",
    "template",
    default=None,
    metavar="NAME",
    help="Template name (see `cxkit templates`) or a journey file to copy "
    "(default: a blank two-step journey to fill in).",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "ja"]),
    default="en",
    help="Language of the blank journey (without --template).",
)
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
@click.option(
    "--id",
    "journey_id",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[ID]",
    help="Set the journey id: `--id ID`, or `--id` alone for PATH's file stem.",
)
def new_command(
    path: str, template: str | None, lang: str, force: bool, journey_id: str | None
) -> None:
    """Create the journey file PATH (.yaml, .yml or .json) from a template, or blank,
    or its Excel journey grid (.xlsx) for a workshop to fill in.

    Without --template, PATH is a blank journey (two stages, two touchpoints, two
    steps, with comments saying what to fill in) in the --lang language. The file is
    written atomically and validated first; an existing PATH is kept unless --force.
    """
    from cxkit.io._write import output_kind

    target = Path(path)
    kind = output_kind(target)  # a CxkitError for a path no writer can use
    if kind == "folder":
        raise CxkitError(f"{path}: is a folder; PATH must be a journey file path")
    # a named pipe or a device is written as a stream: there is nothing to overwrite
    if kind in ("file", "other") and not force:
        raise CxkitError(f"{path}: already exists; use --force to overwrite it")
    source = template if template is not None else str(blank_journey_path(lang))
    if target.suffix.lower() in GRID_SUFFIXES:  # an Excel journey grid for a workshop
        journey = _new_grid(source, target, journey_id)
    else:
        text, journey = new_journey_text(source, target, journey_id)
        atomic_write_text(target, text)
    origin = repr(template) if template is not None else f"the blank journey ({lang})"
    echo_text(
        f"created {path} from {origin} (id {journey.id!r}, {len(journey.steps)} steps)\n"
        f"next: cxkit validate {path}  ·  cxkit show {path}"
    )


def _new_grid(template: str, target: Path, journey_id: str | None) -> Journey:
    """Write the Excel journey grid of ``template`` to ``target`` (atomically)."""
    from cxkit.io._write import atomic_write_bytes
    from cxkit.io.grid import grid_bytes

    journey = load_journey(resolve_source(template))
    if journey_id is not None:
        new_id = _check_id(journey_id) if journey_id else slugify_id(target.stem)
        journey = journey.replace(id=new_id)
    atomic_write_bytes(target, grid_bytes(journey))
    return journey


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--strict", is_flag=True, help="Warnings make a file invalid too.")
@click.option("--json", "as_json", is_flag=True, help="Print the stable JSON document.")
@click.pass_context
def validate_command(
    ctx: click.Context, paths: tuple[str, ...], strict: bool, as_json: bool
) -> None:
    """Check journey files, folders of them or template names.

    Each problem is printed on stderr as `file:line:col: message`. Exit code 0 when
    every file is valid, 1 when any is not (with --strict, warnings count).
    """
    reports = validate_sources(paths)
    valid = all(r.is_valid(strict) for r in reports)
    if as_json:
        echo_json(
            envelope(
                "validate",
                strict=strict,
                valid=valid,
                files=[r.to_dict(strict) for r in reports],
            )
        )
    else:
        for r in reports:
            for problem in r.problems:
                echo_text(problem.format(), err=True)
            n_err, n_warn = len(r.errors), len(r.warnings)
            counts = [
                f"{n} {what}{'s' if n != 1 else ''}"
                for n, what in ((n_err, "error"), (n_warn, "warning"))
                if n
            ]
            status = "valid" if r.is_valid(strict) else "invalid"
            echo_text(f"{r.file}: {status}" + (f" ({', '.join(counts)})" if counts else ""))
    if not valid:
        ctx.exit(1)


@click.command("show")
@click.argument("path", metavar="PATH")
@click.option("--json", "as_json", is_flag=True, help="Print the stable JSON document.")
@lang_option("Language of labels and emotions (default: the journey's, else en).")
def show_command(path: str, as_json: bool, lang: str | None) -> None:
    """Summarise a journey: steps with their emotions, aggregates and effort.

    PATH is a journey file or a template name.
    """
    journey = load_journey_arg(path)
    if as_json:
        echo_json(show_payload(journey, lang))
    else:
        columns = shutil.get_terminal_size((100, 24)).columns
        echo_text(render_show(journey, lang, width=max(100, columns)))


def register(group: click.Group) -> None:
    """Add the journey commands to the ``cxkit`` group."""
    for command in (templates_command, new_command, validate_command, show_command):
        group.add_command(command)

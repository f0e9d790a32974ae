"""MkDocs hooks of the cxkit docs: the template gallery and the offline assets.

* ``gallery/index.md`` and one ``gallery/<template>.md`` per file of
  ``templates/journeys/`` are generated in memory with :func:`cxkit.export.markdown`
  (``chart="vega"``), so the gallery is always the templates as they are — nothing
  is written into ``docs/``.
* ``assets/cxkit/`` gets Mermaid, the Vega bundle, cxkit's chart loader and the
  search shim of :func:`cxkit.export._site.site_assets`: the built site renders
  with no network at all.
* The ``Gallery`` entry of the nav is expanded to the template pages.
"""

from __future__ import annotations

from typing import Any

import cxkit as cx
from cxkit.export._markdown import markdown
from cxkit.export._site import ASSET_DIR, index_md, site_assets

GALLERY = "gallery"


def _templates() -> list[tuple[str, cx.Journey]]:
    return [(name, cx.load_journey(name)) for name in cx.list_templates()]


def on_config(config: Any) -> Any:
    """Expand ``- Gallery: gallery/index.md`` into the gallery pages."""
    pages = [f"{GALLERY}/{name}.md" for name in cx.list_templates()]
    for i, item in enumerate(config.nav or []):
        if isinstance(item, dict) and item.get("Gallery") == f"{GALLERY}/index.md":
            config.nav[i] = {"Gallery": [f"{GALLERY}/index.md", *pages]}
    return config


def on_files(files: Any, config: Any) -> Any:
    """Add the generated gallery pages and the offline assets to the build."""
    from mkdocs.structure.files import File

    templates = _templates()
    intro = (
        "Every built-in journey template, exported with `cxkit.export.markdown`. "
        "Start your own from one with `cxkit new my_journey.yaml --template NAME`.\n\n"
    )
    index = index_md("Template gallery", [(f"{n}.md", j) for n, j in templates], "en")
    title, _, rest = index.partition("\n\n")
    files.append(File.generated(config, f"{GALLERY}/index.md", content=f"{title}\n\n{intro}{rest}"))
    for name, journey in templates:
        page = markdown(journey, chart="vega")
        source = f"\n\n_Template `{name}` — `cxkit.load_journey({name!r})`._\n"
        files.append(File.generated(config, f"{GALLERY}/{name}.md", content=page + source))
    for asset, text in site_assets().items():
        files.append(File.generated(config, f"{ASSET_DIR}/{asset}", content=text))
    return files

"""Reading and writing journeys: YAML and JSON files, safely and atomically."""

from cxkit.io.journey_io import (
    atomic_write_text,
    dump_journey,
    dumps_json,
    journey_from_data,
    list_templates,
    load_journey,
    loads_journey,
    save_journey,
    template_path,
    validate_file,
    validate_text,
)

__all__ = [
    "atomic_write_text",
    "dump_journey",
    "dumps_json",
    "journey_from_data",
    "list_templates",
    "load_journey",
    "loads_journey",
    "save_journey",
    "template_path",
    "validate_file",
    "validate_text",
]

"""Reports: papermill runs of the notebooks, exported to offline HTML."""

from workbench._imports import import_jsonschema_quickly

import_jsonschema_quickly()

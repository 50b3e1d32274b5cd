"""models/build_demo_model.py loaded as a module, for the tests of the demo models (it is a script, not
part of the subpipe package); loading it also puts its siblings demo_corpus and film_text on the path."""

import importlib.util
import sys
from pathlib import Path

MODELS = Path(__file__).resolve().parents[2] / "models"


def _load_builder():
    if "build_demo_model" in sys.modules:
        return sys.modules["build_demo_model"]
    spec = importlib.util.spec_from_file_location("build_demo_model", MODELS / "build_demo_model.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


builder = _load_builder()
demo_corpus = sys.modules["demo_corpus"]
film_text = sys.modules["film_text"]

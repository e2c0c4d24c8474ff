"""Regenerate the typed Python client in clients/python/ from the app's OpenAPI.

    uv run python scripts/generate_client.py           # rewrite clients/python/ (~7 s)
    uv run python scripts/generate_client.py --check   # exit 1 if clients/python/ is stale

1. ``create_app().openapi()`` with the default settings (every ``OPENPROMO_*`` variable of the
   environment is ignored, so the published schema never depends on who runs this) is written
   as sorted, indented JSON to ``clients/python/openapi.json``;
2. openapi-python-client (the version pinned in uv.lock) generates the package from it with
   ``clients/codegen/config.yaml`` and the templates in ``clients/codegen/templates/`` (the
   client's pyproject.toml and README.md), formatted by our own ruff;
3. ``clients/python/`` is made to hold exactly the result, only differing files being written
   (or, with ``--check``, it is compared with the result).

Everything is generated in a temporary directory first: a failed run leaves clients/python/
as it was. Any generator warning fails the run, except those about raw (non-JSON,
non-multipart) request or response bodies, which the generator cannot model; they are listed
(see clients/python/README.md, "Not in the client").
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLIENT_DIR = ROOT / "clients" / "python"
CODEGEN_DIR = ROOT / "clients" / "codegen"
COMMAND = "uv run python scripts/generate_client.py"

# Files that appear in the client's directory but are not part of it.
IGNORED_PARTS = {"__pycache__", ".ruff_cache", ".mypy_cache", ".pytest_cache"}
IGNORED_SUFFIXES = (".pyc", ".egg-info")

# Raw bodies the generator cannot type (it supports JSON, multipart, form and octet-stream):
# the CSV/NDJSON uploads also take a multipart `file`, which the client has.
RAW_MEDIA_TYPES = {
    "text/csv",
    "text/plain",
    "application/x-ndjson",
    "image/png",
    "image/jpeg",
    "image/webp",
}
_MEDIA_TYPE = re.compile(r"\b[a-z]+/[a-z0-9.+-]+")


def openapi_document() -> str:
    """The app's OpenAPI as the client is generated from it: default settings, sorted keys."""
    for name in [n for n in os.environ if n.upper().startswith("OPENPROMO_")]:
        del os.environ[name]
    from openpromo.app import create_app
    from openpromo.config import get_settings

    get_settings.cache_clear()
    schema = create_app().openapi()
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def is_raw_body_warning(header: str, detail: str) -> bool:
    text = f"{header}\n{detail}"
    if "Unsupported content" not in text:
        return False
    named = set(_MEDIA_TYPE.findall(detail))
    return bool(named) and named <= RAW_MEDIA_TYPES


def generate(output: Path, document: str) -> list[str]:
    """Generate the client into ``output`` (which must not exist); return the raw-body notes.

    Raises SystemExit with the generator's messages on any other warning or error.
    """
    from openapi_python_client import generate as run_generator
    from openapi_python_client.config import Config, ConfigFile, MetaType
    from openapi_python_client.parser.errors import ErrorLevel

    # The post hooks run `ruff` from PATH: make it the one of this environment (uv.lock's).
    bin_dir = str(Path(sys.executable).parent)
    os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    with tempfile.TemporaryDirectory(prefix="openpromo-openapi-") as tmp:
        source = Path(tmp) / "openapi.json"
        source.write_text(document, encoding="utf-8")
        config = Config.from_sources(
            ConfigFile.load_from_path(CODEGEN_DIR / "config.yaml"),
            MetaType.UV,
            source,
            "utf-8",
            False,
            output,
        )
        errors = run_generator(config=config, custom_template_path=CODEGEN_DIR / "templates")
    notes: list[str] = []
    fatal: list[str] = []
    for error in errors:
        header, detail = str(error.header), str(error.detail or "")
        if error.level == ErrorLevel.WARNING and is_raw_body_warning(header, detail):
            where = header.removeprefix("WARNING parsing ").split(" within ")[0]
            kinds = ", ".join(sorted(set(_MEDIA_TYPE.findall(detail))))
            dropped = "the whole operation" if "will not be generated" in header else kinds
            notes.append(f"{where}: {dropped}" + (f" ({kinds})" if dropped != kinds else ""))
        else:
            fatal.append(f"{error.level.value.lower()}: {header}\n    {detail}")
    if fatal:
        raise SystemExit(
            "openapi-python-client could not generate the client cleanly; fix the schema in "
            "the app (not the generated code):\n" + "\n".join(fatal)
        )
    if not (output / "openpromo_client" / "__init__.py").is_file():
        raise SystemExit(f"the generator wrote no package into {output}")
    (output / "openapi.json").write_text(document, encoding="utf-8")
    return notes


def _files(tree: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted(tree.rglob("*")):
        relative = path.relative_to(tree)
        if not path.is_file() or IGNORED_PARTS.intersection(relative.parts):
            continue
        if any(part.endswith(IGNORED_SUFFIXES) for part in relative.parts):
            continue
        found[relative.as_posix()] = path
    return found


def compare_trees(committed: Path, fresh: Path, max_diff_lines: int = 40) -> list[str]:
    """How ``committed`` differs from ``fresh``: one line per file, then a short diff."""
    old, new = _files(committed), _files(fresh)
    lines = [f"missing: {name}" for name in sorted(new.keys() - old.keys())]
    lines += [f"not generated any more: {name}" for name in sorted(old.keys() - new.keys())]
    diff: list[str] = []
    for name in sorted(old.keys() & new.keys()):
        before, after = old[name].read_bytes(), new[name].read_bytes()
        if before == after:
            continue
        lines.append(f"differs: {name}")
        if len(diff) < max_diff_lines:
            diff += difflib.unified_diff(
                before.decode("utf-8", "replace").splitlines(),
                after.decode("utf-8", "replace").splitlines(),
                f"committed/{name}",
                f"generated/{name}",
                lineterm="",
                n=1,
            )
    return lines + diff[:max_diff_lines]


def sync_tree(fresh: Path, target: Path) -> int:
    """Make ``target`` hold exactly ``fresh``'s files, touching only those that differ."""
    new, old = _files(fresh), _files(target) if target.exists() else {}
    changed = 0
    for name, path in new.items():
        destination = target / name
        if name not in old or old[name].read_bytes() != path.read_bytes():
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
            changed += 1
    for name in old.keys() - new.keys():
        (target / name).unlink()
        changed += 1
    for directory in sorted(target.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if directory.is_dir() and not any(directory.iterdir()):
            directory.rmdir()
    return changed


def stale_message(differences: list[str]) -> str:
    return (
        "clients/python/ does not match the app's OpenAPI (a change to the API, or a hand edit "
        f"of generated files). Run\n\n    {COMMAND}\n\nand commit clients/python/.\n\n"
        + "\n".join(differences)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="generate into a temporary directory and compare with clients/python/",
    )
    parser.add_argument(
        "--client-dir",
        type=Path,
        default=CLIENT_DIR,
        help="the client's directory (default clients/python)",
    )
    args = parser.parse_args(argv)
    target: Path = args.client_dir.resolve()
    document = openapi_document()
    with tempfile.TemporaryDirectory(prefix="openpromo-client-") as tmp:
        fresh = Path(tmp) / "python"
        notes = generate(fresh, document)
        if args.check:
            differences = compare_trees(target, fresh)
            if differences:
                print(stale_message(differences), file=sys.stderr)
                return 1
            print(f"{target} is up to date with the app's OpenAPI")
            return 0
        changed = sync_tree(fresh, target)
    print(f"{target}: {changed} of {len(_files(target))} files written or removed")
    for note in notes:
        print(f"  not in the client (raw body): {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

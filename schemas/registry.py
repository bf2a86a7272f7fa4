"""Finding a schema by return type and version.

Every module in this package named ``<return type>_v<version>.py`` that defines ``SCHEMA``
is a registered schema: adding a version is adding one module, and earlier versions stay
importable, so a return made under ``placements`` v1 can always be read again.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache

from schemas.errors import SchemaDefinitionError, UnknownSchema
from schemas.return_schema import ReturnSchema

_MODULE_NAME = re.compile(r"(?P<return_type>[a-z][a-z_]*)_v(?P<version>[0-9]+)")


@cache
def _registry() -> dict[tuple[str, int], ReturnSchema]:
    import schemas

    found: dict[tuple[str, int], ReturnSchema] = {}
    for module in pkgutil.iter_modules(schemas.__path__):
        name = _MODULE_NAME.fullmatch(module.name)
        if name is None:
            continue
        schema = importlib.import_module(f"schemas.{module.name}").SCHEMA
        key = (name["return_type"], int(name["version"]))
        if (schema.return_type, schema.version) != key:
            raise SchemaDefinitionError(f"schemas/{module.name}.py defines {schema!r}")
        found[key] = schema
    return dict(sorted(found.items()))


def list_schemas() -> list[tuple[str, int]]:
    """Every registered (return type, version), sorted."""
    return list(_registry())


def return_types() -> list[str]:
    """The registered return types, sorted."""
    return sorted({return_type for return_type, _ in _registry()})


def latest_version(return_type: str) -> int:
    """The newest version of a return type; :class:`UnknownSchema` if there is none."""
    versions = [version for kind, version in _registry() if kind == return_type]
    if not versions:
        raise UnknownSchema(_unknown_type(return_type))
    return max(versions)


def get_schema(return_type: str, version: int | None = None) -> ReturnSchema:
    """The schema for a return type and version (the latest when ``version`` is None)."""
    if version is None:
        version = latest_version(return_type)
    schema = _registry().get((return_type, version))
    if schema is None:
        if return_type not in return_types():
            raise UnknownSchema(_unknown_type(return_type))
        known = ", ".join(str(v) for kind, v in _registry() if kind == return_type)
        raise UnknownSchema(f"{return_type} has no version {version}; known versions: {known}")
    return schema


def _unknown_type(return_type: str) -> str:
    return f"Unknown return type {return_type!r}; known types: {', '.join(return_types())}"

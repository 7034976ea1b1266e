"""The data converter lieu's clients and workers share: pydantic JSON, with one cache of
pydantic type adapters for the whole process.

Temporal makes a new payload converter for every workflow run (inside the sandbox), and the
SDK's pydantic converter keeps its type adapters per instance, so each run built the schema of
its input, its updates and its activity results again (about 7 ms of CPU per authorization).
This module is passed through the sandbox (`registry.workflow_runner`), so its cache is the
process's: the adapters are built once per type. A type adapter holds no state of a run.
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic import TypeAdapter
from temporalio.contrib.pydantic import PydanticJSONPlainPayloadConverter, PydanticPayloadConverter
from temporalio.converter import DataConverter

ADAPTERS: functools._lru_cache_wrapper[TypeAdapter[Any]] = functools.lru_cache(maxsize=1024)(
    TypeAdapter
)


class PayloadConverter(PydanticPayloadConverter):
    """The SDK's pydantic payload converter, its JSON part reading `ADAPTERS`."""

    def __init__(self) -> None:
        super().__init__()
        for converter in self.converters.values():
            if isinstance(converter, PydanticJSONPlainPayloadConverter):
                converter._type_adapter = ADAPTERS


data_converter = DataConverter(payload_converter_class=PayloadConverter)

"""XML with a declared record path, nested elements flattened by declared rules.

Rules, all in the source declaration:
- `record_path`: the element path of one record from the root, e.g. `Goods/Good`
  (`//Good` matches at any depth; without it, every child of the root is a record).
- inside a record, a leaf element becomes a column named by its path below the record
  (`Countries/Country/Country_Name`), an attribute `path@name`, the record's own
  attributes `@name`;
- `explode`: a repeated element path below the record (`Countries/Country`) that yields one
  row per occurrence, its fields named by their path below it, the record's fields repeated;
- `repeated`: what to do with a leaf path that occurs several times in one row: `join` (the
  default, with `repeat_separator`, "; "), or `first`.

Entities are never expanded and never fetched: a document that declares any is refused,
which stops entity-expansion bombs and external-entity reads alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from lxml import etree

from adapters.base import AdapterError, AdapterOptions, AdapterResult
from adapters.records import RecordBatcher


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


class _Flattener:
    def __init__(self, explode: str | None, repeated: str, separator: str) -> None:
        self.explode = explode.strip("/") if explode else None
        self.repeated = repeated
        self.separator = separator

    def _put(self, row: dict[str, str | None], name: str, value: str | None) -> None:
        if name not in row or row[name] is None:
            row[name] = value
        elif self.repeated == "join" and value is not None:
            row[name] = f"{row[name]}{self.separator}{value}"

    def fields(self, element: Any, prefix: str, row: dict[str, str | None], skip: str | None):
        for name, value in element.attrib.items():
            self._put(row, f"{prefix}@{_local(name)}", value)
        for child in element:
            name = _local(child.tag)
            if not name:
                continue
            path = f"{prefix}{name}"
            if path == skip:
                continue
            if len(child):
                text = (child.text or "").strip()
                if text:
                    self._put(row, f"{path}#text", text)
                self.fields(child, f"{path}/", row, skip)
            else:
                for attribute, value in child.attrib.items():
                    self._put(row, f"{path}@{_local(attribute)}", value)
                self._put(row, path, child.text)

    def rows(self, record: Any) -> list[dict[str, str | None]]:
        base: dict[str, str | None] = {}
        self.fields(record, "", base, self.explode)
        if not self.explode:
            return [base]
        parent_path, _, leaf = self.explode.rpartition("/")
        parents = [record]
        for step in parent_path.split("/") if parent_path else []:
            parents = [child for parent in parents for child in parent if _local(child.tag) == step]
        occurrences = [child for parent in parents for child in parent if _local(child.tag) == leaf]
        rows = []
        for occurrence in occurrences:
            row = dict(base)
            exploded: dict[str, str | None] = {}
            self.fields(occurrence, "", exploded, None)
            for name, value in exploded.items():
                row[f"{leaf}/{name}" if name in base else name] = value
            rows.append(row)
        return rows or [base]


def _matches(path: list[str], record_path: list[str], anywhere: bool) -> bool:
    if anywhere:
        return path[-len(record_path) :] == record_path
    return path == record_path


def read_xml(
    stream: BinaryIO, options: AdapterOptions, source_name: str
) -> Iterator[AdapterResult]:
    declared = options.record_path or ""
    anywhere = declared.startswith("//")
    record_path = [step for step in declared.strip("/").split("/") if step]
    repeated = options.extra.get("repeated", "join")
    if repeated not in ("join", "first"):
        raise AdapterError(source_name, f"`repeated: {repeated}` must be join or first")
    flattener = _Flattener(
        options.extra.get("explode"), repeated, options.extra.get("repeat_separator", "; ")
    )
    report: dict[str, Any] = {"format": "xml", "record_path": declared or "(children of root)"}
    batcher = RecordBatcher(options, source_name, report)
    parser = etree.iterparse(
        stream,
        events=("start", "end"),
        encoding=options.encoding,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    path: list[str] = []
    records = 0
    try:
        for event, element in parser:
            if event == "start":
                if not path:
                    _refuse_entities(element, source_name)
                    report["encoding"] = element.getroottree().docinfo.encoding
                path.append(_local(element.tag))
                continue
            is_record = _matches(path, record_path, anywhere) if record_path else len(path) == 2
            if is_record:
                records += 1
                original = etree.tostring(element, encoding="unicode", with_tail=False)
                for row in flattener.rows(element):
                    batcher.add(row, element.sourceline, original)
                # Free each record once read, so memory stays flat on large documents.
                parent = element.getparent()
                element.clear(keep_tail=False)
                if parent is not None:
                    while element.getprevious() is not None:
                        del parent[0]
                if batcher.full:
                    yield batcher.flush()
            path.pop()
    except etree.XMLSyntaxError as error:
        if path == [] and records == 0 and "Document is empty" in str(error):
            raise AdapterError(source_name, "holds no XML; ask for the file again") from error
        raise AdapterError(
            source_name,
            f"not well-formed XML at line {error.lineno}, column {error.position[1]} "
            f"({error.msg}); the file may be truncated: ask the contributor for a complete "
            f"file ({records} records were read before the error)",
        ) from error
    if records == 0 and record_path:
        raise AdapterError(
            source_name,
            f"no element matches `record_path: {declared}`; check the path against the "
            "document's element names (paths start at the root element)",
        )
    report["records"] = records
    yield from batcher.finish()


def _refuse_entities(root: Any, source_name: str) -> None:
    dtd = root.getroottree().docinfo.internalDTD
    entities = list(dtd.iterentities()) if dtd is not None else []
    if entities:
        external = [entity.name for entity in entities if entity.system_url]
        kind = f"external entities {external}" if external else "entities"
        raise AdapterError(
            source_name,
            f"declares {kind} ({', '.join(entity.name for entity in entities)}); the hub never "
            "expands or fetches XML entities, so it refuses the file. Ask the contributor for "
            "an export without a DTD",
        )

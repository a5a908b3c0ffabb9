/** A field's location in a JSON document, as zod reports it: keys and array indices. */
export type JsonPath = readonly (string | number)[];

type Container = Record<string | number, unknown>;

/** A deep copy, so that each mutation starts from an untouched base. */
export function cloneJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function parentOf(doc: unknown, path: JsonPath): Container {
  return path.slice(0, -1).reduce<unknown>((node, key) => (node as Container)[key], doc) as Container;
}

export function getAt(doc: unknown, path: JsonPath): unknown {
  return path.reduce<unknown>((node, key) => (node as Container | undefined)?.[key], doc);
}

/** The document with the value at `path` replaced (`path` [] replaces the whole document). */
export function setAt(doc: unknown, path: JsonPath, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = cloneJson(doc);
  parentOf(copy, path)[path[path.length - 1]] = value;
  return copy;
}

/** The document without the field at `path`; an array item is taken out, leaving no hole. */
export function deleteAt(doc: unknown, path: JsonPath): unknown {
  const copy = cloneJson(doc);
  const parent = parentOf(copy, path);
  const key = path[path.length - 1];
  if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
  else delete parent[key];
  return copy;
}

// A compose file's raw shape while it loads, before it becomes the typed model:
// a mapping of keys to values, and the path to a value within it.

export type Doc = Record<string, unknown>
export type Path = (string | number)[]

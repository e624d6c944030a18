// Small steps the normalising passes share. Every pass returns new objects
// and hands them the places (file:line:col) of the ones they replace.

import { ComposeError } from '../../model/compose-error.ts'
import { copyPlaces, placeOf, placeOfObject, setPlaces } from '../../model/places.ts'

import type { Doc } from '../../model/doc.ts'

export function isMap(value: unknown): value is Doc {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** A shallow copy that keeps the places of the original. */
export function copy<T extends object>(value: T): T {
  const out = (Array.isArray(value) ? [...value] : { ...value }) as T
  copyPlaces(value, out)
  return out
}

/** `{...item}` with an `id` first, when it has none. */
export function withDefaultId(item: unknown, id: string): unknown {
  if (!isMap(item) || item.id !== undefined) return item
  const out = { id, ...item }
  copyPlaces(item, out)
  return out
}

/** Renames `from` to `to` in `doc` (in place), the value taking the key's place. */
export function moveKey(doc: Doc, from: string, to: string, value: unknown = doc[from]): void {
  delete doc[from]
  doc[to] = value
  copyPlaces(doc, doc, { [from]: to })
}

/** `[value]` placed where `value` stood in `parent[key]`. */
function listOfOne(parent: Doc, key: string, value: unknown): unknown[] {
  const list = [value]
  const place = placeOf(parent, key)
  if (place) setPlaces(list, { self: place, keys: new Map([[0, { key: place, value: place }]]) })
  return list
}

/** A map of id → item as a list of items, each given its key as id. */
function listOfMap(map: Doc): unknown[] {
  const entries = Object.entries(map)
  const list = entries.map(([id, item]) => withDefaultId(item, id))
  const self = placeOfObject(map)
  if (self) {
    const keys = new Map(entries.map(([id], i) => [i, { key: placeOf(map, id, 'key') ?? self, value: placeOf(map, id) ?? self }]))
    setPlaces(list, { self, keys })
  }
  return list
}

/** A copy of `list` with `fn` applied to each item, keeping places. */
export function mapList(list: unknown[], fn: (item: unknown, i: number) => unknown): unknown[] {
  const out = list.map(fn)
  copyPlaces(list, out)
  return out
}

/**
 * model-compose's "one or a list": `singular: x` becomes `plural: [x]` (given
 * `defaultId` when it has no id; with `mapsOnly`, only when x is a map), and
 * `plural:` given as a map of id → item becomes a list. Both at once is an error.
 */
export function inflateSingle(doc: Doc, singular: string, plural: string, options: { keyPath?: string; defaultId?: string; mapsOnly?: boolean } = {}): void {
  const one = doc[singular]
  if (one !== undefined && doc[plural] !== undefined) {
    throw new ComposeError(`use either "${singular}" (one) or "${plural}" (a list), not both`, placeOf(doc, singular, 'key'), options.keyPath)
  }
  if (one !== undefined && (!options.mapsOnly || isMap(one))) {
    moveKey(doc, singular, plural, listOfOne(doc, singular, options.defaultId === undefined ? one : withDefaultId(one, options.defaultId)))
  } else if (isMap(doc[plural])) doc[plural] = listOfMap(doc[plural])
}

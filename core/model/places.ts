// Where each value of a compose file came from (file:line:col). Places hang off
// the parsed objects themselves (a WeakMap keyed by the object), so a value
// keeps its place when a later pass moves the object around in the tree.

import { formatKeyPath } from '../errors.ts'

export interface Place {
  file: string
  line: number
  col: number
}

interface ObjectPlaces {
  self: Place
  keys: Map<string | number, { key: Place; value: Place }>
  /** Its key path as the file writes it (`component.action`), before normalising moved it. */
  source?: (string | number)[]
}

const registry = new WeakMap<object, ObjectPlaces>()

export function setPlaces(target: object, places: ObjectPlaces): void {
  registry.set(target, places)
}

export function placeOfObject(target: unknown): Place | undefined {
  return typeof target === 'object' && target !== null ? registry.get(target)?.self : undefined
}

/** The place of `parent[key]`: its value, or the key itself when asked. */
export function placeOf(parent: unknown, key: string | number, which: 'key' | 'value' = 'value'): Place | undefined {
  if (typeof parent !== 'object' || parent === null) return undefined
  const places = registry.get(parent)
  return places?.keys.get(key)?.[which] ?? places?.self
}

/** Gives `target` the places `source` had for the keys they share. */
export function copyPlaces(source: object, target: object, renames: Record<string, string> = {}): void {
  const from = registry.get(source)
  if (!from) return
  const to = registry.get(target) ?? { self: from.self, keys: new Map(), ...(from.source ? { source: from.source } : {}) }
  for (const [key, place] of from.keys) to.keys.set(renames[String(key)] ?? key, place)
  registry.set(target, to)
}

/** Finds the place of a value by its path from the root: the deepest place known. */
export function placeAtPath(root: unknown, path: (string | number)[]): Place | undefined {
  let node = root
  let best = placeOfObject(root)
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!
    const here = placeOf(node, key)
    if (here) best = here
    if (typeof node !== 'object' || node === null) break
    node = (node as Record<string | number, unknown>)[key]
  }
  return best
}

/** Records where the file writes `target` (normalise/source-paths.ts), once. */
export function setSourcePath(target: object, path: (string | number)[]): void {
  const places = registry.get(target)
  if (places && !places.source) places.source = path
}

/**
 * A normalised key path as the file writes it: `components[0].actions[0].heders`
 * reads `component.action.heders` when the file wrote `component:` and `action:`.
 */
export function sourceKeyPath(root: unknown, path: (string | number)[]): string {
  let node = root
  let mapped: (string | number)[] | undefined
  let rest = 0
  for (let i = 0; i < path.length; i++) {
    if (typeof node !== 'object' || node === null) break
    node = (node as Record<string | number, unknown>)[path[i]!]
    const source = typeof node === 'object' && node !== null ? registry.get(node)?.source : undefined
    if (source) [mapped, rest] = [source, i + 1]
  }
  return formatKeyPath(mapped ? [...mapped, ...path.slice(rest)] : path)
}

/**
 * The key path of `path` under `root`: as the file writes it when `root` is the
 * document itself; as given when `root` is a part of it (a job, whose caller
 * puts the part's own path in front).
 */
export function keyPathFrom(root: unknown, path: (string | number)[]): string {
  const isPart = typeof root === 'object' && root !== null && registry.get(root)?.source !== undefined
  return path.length > 0 && !isPart ? sourceKeyPath(root, path) : formatKeyPath(path)
}

export function formatPlace(place: Place | undefined): string {
  return place ? `${place.file}:${place.line}:${place.col}` : ''
}

// The `${env.NAME}` bindings (with no default) written in a component's keys,
// nested ones too: the parser told each one with the place of the value it
// stands in (core/compose/parse.ts); a component's are those at the places
// of its values. Only a run-time hint is made of them (a 401 naming an unset
// credential).

import type { EnvRead } from '../../model/env-reads.ts'
import { formatPlace, placeOf } from '../../model/places.ts'

/** The variables read at each place (`file:line:col`). */
export type EnvReadsByPlace = Map<string, string[]>

export function envReadsByPlace(reads: readonly EnvRead[]): EnvReadsByPlace {
  const byPlace: EnvReadsByPlace = new Map()
  for (const { name, place } of reads) {
    const at = formatPlace(place)
    byPlace.set(at, [...(byPlace.get(at) ?? []), name])
  }
  return byPlace
}

/** The names of the variables the component's values read, in order, each once. */
export function componentEnvReads(raw: object, byPlace: EnvReadsByPlace): string[] {
  if (byPlace.size === 0) return []
  const names = new Set<string>()
  const pending: object[] = [raw]
  const seen = new Set<object>()
  for (let node = pending.pop(); node; node = pending.pop()) {
    if (seen.has(node)) continue
    seen.add(node)
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'object' && value !== null) pending.push(value)
      else for (const name of byPlace.get(formatPlace(placeOf(node, Array.isArray(node) ? Number(key) : key))) ?? []) names.add(name)
    }
  }
  return [...names]
}

// The single-item shorthand of `if` and `switch`: a lone condition (case)
// written with its keys at job level is the same as a list of one. The keys
// keep their places, so errors still point where the user wrote them.

import { copyPlaces, placeOf, setPlaces } from '../../model/places.ts'
import type { Doc } from '../../model/doc.ts'

/** `raw` with the `keys` found at its level gathered into `{[list]: [{...keys}]}`, when `list` is absent. */
export function gatherIntoList(raw: Doc, list: string, keys: readonly string[]): Doc {
  const present = keys.filter((key) => raw[key] !== undefined)
  if (raw[list] !== undefined || present.length === 0) return raw
  const item: Doc = {}
  const rest: Doc = {}
  for (const [key, value] of Object.entries(raw)) {
    if (present.includes(key)) item[key] = value
    else rest[key] = value
  }
  const items = [item]
  rest[list] = items
  copyPlaces(raw, item)
  // The list stands where its first key was written.
  copyPlaces(raw, rest, { [present[0]!]: list })
  const place = placeOf(raw, present[0]!, 'key')
  if (place) setPlaces(items, { self: place, keys: new Map([[0, { key: place, value: place }]]) })
  return rest
}

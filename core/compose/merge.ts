// Pass 3: merges several `-f` files in order, as written (before they are
// normalised, as model-compose does). Maps merge deeply, later scalars
// win, lists of items with an `id` merge item by item, other lists are replaced.

import { copyPlaces } from '../model/places.ts'

export function mergeCompose(base: unknown, overlay: unknown): unknown {
  if (overlay === undefined) return base
  if (isMap(base) && isMap(overlay)) {
    const out: Record<string, unknown> = { ...base }
    for (const [key, value] of Object.entries(overlay)) out[key] = mergeCompose(base[key], value)
    copyPlaces(base, out)
    copyPlaces(overlay, out)
    return out
  }
  if (Array.isArray(base) && Array.isArray(overlay) && hasIds(base) && hasIds(overlay)) {
    const out = [...base]
    const at = new Map(base.map((item, i) => [(item as { id: unknown }).id, i]))
    for (const item of overlay) {
      const i = at.get((item as { id: unknown }).id)
      if (i === undefined) out.push(item)
      else out[i] = mergeCompose(out[i], item)
    }
    copyPlaces(base, out)
    return out
  }
  return overlay
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function hasIds(list: unknown[]): boolean {
  return list.every((item) => isMap(item) && item.id !== undefined)
}

// Pass 4 (first): each map and list of the file is told its key path as
// written (`component.action`), before the passes below move it
// (`components[0].actions[0]`). An error found later names the file's own
// keys (places.ts sourceKeyPath).

import { setSourcePath } from '../../model/places.ts'
import type { Doc } from '../../model/doc.ts'

export function recordSourcePaths(doc: Doc): Doc {
  // Iterative: a deep file must not overflow the stack (yaml-limits.ts bounds its size).
  const pending: { node: object; path: (string | number)[] }[] = [{ node: doc, path: [] }]
  const seen = new Set<object>()
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { node, path } = next
    // An alias shares its object: the first place it stands is the one named.
    if (seen.has(node)) continue
    seen.add(node)
    if (path.length > 0) setSourcePath(node, path)
    const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node)
    for (const [key, value] of entries) if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array)) pending.push({ node: value, path: [...path, key] })
  }
  return doc
}

// About how many bytes a value takes in memory: strings at two bytes a
// character, bytes as they are, a little for every number, key and container.
// Walked without recursion; counting stops once it passes `stopAbove`.

export function approximateSize(value: unknown, stopAbove = Number.POSITIVE_INFINITY): number {
  let total = 0
  const pending: unknown[] = [value]
  while (pending.length > 0 && total <= stopAbove) {
    const item = pending.pop()
    if (typeof item === 'string') total += 16 + item.length * 2
    else if (item instanceof Uint8Array) total += 64 + item.byteLength
    else if (Array.isArray(item)) {
      total += 16 + item.length * 8
      for (const element of item) pending.push(element)
    } else if (item !== null && typeof item === 'object') {
      for (const [key, element] of Object.entries(item)) {
        total += 24 + key.length * 2
        pending.push(element)
      }
    } else total += 8
  }
  return total
}

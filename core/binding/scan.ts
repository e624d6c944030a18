// Finds the `${...}` spans of a template string. Nested bindings
// (`${env.A | ${env.B}}`) and quoted strings inside a binding are skipped over,
// so the closing brace found is the one that really ends the binding.

export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'binding'; body: string; offset: number }

export class ScanError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message)
  }
}

export function scanTemplate(source: string): Segment[] {
  const segments: Segment[] = []
  let text = ''
  let i = 0
  while (i < source.length) {
    if (source[i] === '$' && source[i + 1] === '{') {
      const end = findBindingEnd(source, i + 2)
      if (text) segments.push({ kind: 'text', text })
      text = ''
      segments.push({ kind: 'binding', body: source.slice(i + 2, end), offset: i + 2 })
      i = end + 1
    } else {
      text += source[i]
      i++
    }
  }
  if (text) segments.push({ kind: 'text', text })
  return segments
}

/** Index of the `}` closing a binding whose body starts at `start`. */
function findBindingEnd(source: string, start: number): number {
  let depth = 0
  let quote: string | null = null
  for (let i = start; i < source.length; i++) {
    const c = source[i]
    if (quote) {
      if (c === '\\') i++
      else if (c === quote) quote = null
      continue
    }
    if (c === '"' || c === "'") quote = c
    else if (c === '{') depth++
    else if (c === '}') {
      if (depth === 0) return i
      depth--
    }
  }
  throw new ScanError('unclosed "${": missing "}"', start - 2)
}

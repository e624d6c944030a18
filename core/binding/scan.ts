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
  let textStart = 0
  for (let i = source.indexOf('${'); i >= 0; i = source.indexOf('${', textStart)) {
    const end = findBindingEnd(source, i + 2)
    if (i > textStart) segments.push({ kind: 'text', text: source.slice(textStart, i) })
    segments.push({ kind: 'binding', body: source.slice(i + 2, end), offset: i + 2 })
    textStart = end + 1
  }
  if (textStart < source.length) segments.push({ kind: 'text', text: source.slice(textStart) })
  return segments
}

/**
 * Whether a quote starts at `i`: one right after a letter or digit is an
 * apostrophe (`@(description Don't)`), not the start of a string.
 */
export function opensQuote(text: string, i: number): boolean {
  const c = text[i]
  return (c === '"' || c === "'") && !/[\p{L}\p{N}]/u.test(text[i - 1] ?? '')
}

/** Index of the `}` closing a binding whose body starts at `start`. */
export function findBindingEnd(source: string, start: number): number {
  let depth = 0
  let quote: string | null = null
  for (let i = start; i < source.length; i++) {
    const c = source[i]
    if (quote) {
      if (c === '\\') i++
      else if (c === quote) quote = null
      continue
    }
    if (opensQuote(source, i)) quote = c!
    else if (c === '{') depth++
    else if (c === '}') {
      if (depth === 0) return i
      depth--
    }
  }
  throw new ScanError('unclosed "${": missing "}"', start - 2)
}

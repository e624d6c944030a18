// The literal of a binding's default: `| 0.7`, `| "quoted"`, `| [1, 2]`, `| bare words`.

/** Brackets inside each other in a JSON default: deeper ones make values nothing can print. */
export const MAX_LITERAL_NESTING = 32

/** A default's literal: quoted string, number, boolean, null, JSON, or bare words. */
export function parseLiteral(text: string): unknown {
  const t = text.trim()
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) {
    return t.slice(1, -1).replace(/\\(.)/g, '$1')
  }
  if (t === 'true' || t === 'false') return t === 'true'
  if (t === 'null' || t === 'none' || t === 'None') return null
  if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(t)) return Number(t)
  if (t.startsWith('[') || t.startsWith('{')) {
    try {
      return JSON.parse(t)
    } catch {
      return t
    }
  }
  return t
}

/** How deep the brackets of a JSON text go, strings skipped. */
export function literalNesting(text: string): number {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      if (c === '\\') i++
      else if (c === '"') inString = false
    } else if (c === '"') inString = true
    else if (c === '[' || c === '{') deepest = Math.max(deepest, ++depth)
    else if (c === ']' || c === '}') depth--
  }
  return deepest
}

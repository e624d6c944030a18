// Limits checked on the YAML text before it is parsed. The `yaml` library
// builds its syntax tree recursively and all at once: half a million `[` (1 MB)
// take it over 400 MB and then overflow the stack; 150,000 values take 150 MB,
// half a million stray `}` 900 MB of parse errors, a million blank lines 1.6 s,
// all before anything can count them. So one pass over the lexer's tokens
// (strings, not kept) measures nesting and counts first. Real compose files
// are far inside: model-compose's largest example holds under 1,000 values,
// nests under 20 levels, and has about two tokens per value.

import { CST, Lexer } from 'yaml'
import { ComposeError } from '../model/compose-error.ts'
import type { Place } from '../model/places.ts'

/** Levels of nested maps and lists. */
export const MAX_NESTING = 100
/** Values (scalars, aliases, list items, flow collections) in one file. */
const MAX_VALUES = 15_000
/** Tokens other than spaces, line breaks and comments: values, `:`, `,`, brackets... */
const MAX_TOKENS = 45_000
/** Line breaks outside block scalars. */
const MAX_LINES = 100_000

/** Token types that begin a value; where one starts in block context tells its depth. */
const VALUE_STARTS = new Set(['plain-scalar', 'seq-item-ind', 'explicit-key-ind', 'map-value-ind', 'anchor', 'tag', 'alias', 'single-quoted-scalar', 'double-quoted-scalar', 'block-scalar-header', 'flow-map-start', 'flow-seq-start'])
/** Token types counted as one value each (a plain scalar is counted by its marker). */
const VALUES = new Set(['scalar', 'alias', 'seq-item-ind', 'single-quoted-scalar', 'double-quoted-scalar', 'flow-map-start', 'flow-seq-start'])
/** Tokens the lexer adds that are not part of the source text. */
const MARKERS = new Set(['doc-mode', 'flow-error-end', 'scalar'])
const LAYOUT = new Set(['space', 'newline', 'comment', 'byte-order-mark'])

export function checkYamlLimits(text: string, file: string): void {
  let line = 1
  let col = 0
  const counts = { values: 0, tokens: 0, lines: 0 }
  let flowDepth = 0
  // Columns at which the enclosing block collections start: nesting in block
  // context is indentation, so a value at column c closes those right of c.
  const columns: number[] = []
  let afterScalarMarker = false
  const fail = (reason: string): never => {
    const place: Place = { file, line, col: col + 1 }
    throw new ComposeError(reason, place)
  }
  for (const token of new Lexer().lex(text)) {
    const type: string | null = afterScalarMarker ? 'plain-scalar' : CST.tokenType(token)
    afterScalarMarker = type === 'scalar'
    if (type && VALUES.has(type) && ++counts.values > MAX_VALUES) fail(`too many YAML values (over ${MAX_VALUES.toLocaleString('en')}) for a compose file`)
    if (type === 'newline' && ++counts.lines > MAX_LINES) fail(`too many lines (over ${MAX_LINES.toLocaleString('en')}) for a compose file`)
    if (!LAYOUT.has(type ?? '') && !MARKERS.has(type ?? '') && ++counts.tokens > MAX_TOKENS) fail(`too many YAML tokens (over ${MAX_TOKENS.toLocaleString('en')}) for a compose file`)
    if (type === 'doc-start') columns.length = 0
    if (flowDepth === 0 && VALUE_STARTS.has(type ?? '')) {
      while (columns.length > 0 && columns[columns.length - 1]! > col) columns.pop()
      if (columns.length === 0 || columns[columns.length - 1]! < col) columns.push(col)
    }
    if (type === 'flow-map-start' || type === 'flow-seq-start') flowDepth++
    else if ((type === 'flow-map-end' || type === 'flow-seq-end') && flowDepth > 0) flowDepth--
    if (columns.length + flowDepth > MAX_NESTING) fail(`nested too deeply (over ${MAX_NESTING} levels of maps and lists)`)
    if (type && MARKERS.has(type)) continue
    const lastBreak = token.lastIndexOf('\n')
    if (lastBreak < 0) col += token.length
    else {
      for (let i = token.indexOf('\n'); i >= 0; i = token.indexOf('\n', i + 1)) line++
      col = token.length - lastBreak - 1
    }
  }
}

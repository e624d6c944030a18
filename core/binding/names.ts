// The names a binding may use: its keys (roots), its types after `as` and its
// formats after `;` (SPEC §2, plus the ones model-compose files use). Anything
// else is a load error listing these. Adding a name is one line here.

import { excerpt } from './cursor.ts'

/** What `${key...}` may start with, wherever a binding stands. */
export const BINDING_ROOTS: readonly string[] = [
  'input',
  'env',
  'jobs',
  'output',
  'response',
  'result',
  'stdout',
  'stderr',
  // control-flow jobs: the item a `for-each` / `filter` is at, and its index
  'item',
  'index',
  // a job's `on_error.output`
  'error',
]

/** `as type`; `T[]` (a list of T, as `audio[]`) is accepted for each. */
export const BINDING_TYPES: readonly string[] = [
  'string',
  'text',
  'integer',
  'number',
  'boolean',
  'json',
  'list',
  'object[]',
  'base64',
  'markdown',
  'image',
  'audio',
  'video',
  'file',
  'select',
  'slider',
  // model-compose 0.4.92: `as stream/text`, `as stream/json`.
  'stream',
]

/** `;format` */
export const BINDING_FORMATS: readonly string[] = ['base64', 'url', 'path', 'stream', 'sse-text', 'sse-json']

export function isBindingType(type: string): boolean {
  return BINDING_TYPES.includes(type) || (type.endsWith('[]') && BINDING_TYPES.includes(type.slice(0, -2)))
}

/** `type/subtype;format` (the text after `as`), its names checked; `fail` gets an offset in `spec`. */
export function parseTypeSpec(spec: string, fail: (message: string, offset: number) => never): { type: string; subtype?: string; format?: string } {
  const semicolon = spec.indexOf(';')
  const typePart = semicolon < 0 ? spec : spec.slice(0, semicolon)
  const slash = typePart.indexOf('/')
  const type = (slash < 0 ? typePart : typePart.slice(0, slash)).trim()
  if (!isBindingType(type)) fail(`unknown type "${excerpt(type)}" (types: ${BINDING_TYPES.join(', ')})`, 0)
  const out: { type: string; subtype?: string; format?: string } = { type }
  if (slash >= 0) out.subtype = typePart.slice(slash + 1).trim()
  if (semicolon >= 0) {
    const format = spec.slice(semicolon + 1).trim()
    if (!BINDING_FORMATS.includes(format)) fail(`unknown format "${excerpt(format)}" (formats: ${BINDING_FORMATS.join(', ')})`, semicolon + 1)
    out.format = format
  }
  return out
}

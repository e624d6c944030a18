// The YAML-level operators of a template (model-compose 0.4.92, guide §14.8-14.12),
// compiled once at load like the rest of it:
//   - ...${x}         (a list item) the items of list x, in its place;
//   "...": ${x}       (a key) the fields of mapping x, later keys winning;
//   "?": ...          a conditional (condition.ts): the sole key → the mapping is
//                     the branch taken (left out when none is); beside other keys →
//                     the branch, a mapping, is merged in;
//   "*": ${list}      each item through the other keys (`${item}`, `${index}`);
//                     `"*": {input: ${list}, where: ...}` keeps the items it holds for;
//   "+": [parts]      (the sole key) texts concatenated, lists extended or mappings merged;
//   "|": ${list}      one list per other key, of that key rendered for each item.
// Shapes that do not fit (a spread of a number, a join of a text and a list) are
// errors of the run, like a failed `as integer`.

import { checkKeys, constant, isConstant, isPlainObject, itemScope, OMIT, soleKey, type Compiling, type Render } from './compiling.ts'
import { compileConditional, compileWhere } from './condition.ts'
import { ConversionError } from '../errors.ts'
import { describe } from './convert.ts'
import type { Scope } from './evaluate.ts'
import { scanTemplate } from './scan.ts'

export function compileList(items: unknown[], c: Compiling): Render {
  const pieces = items.map((item, i) => {
    const spread = isListSpread(item)
    return { spread, render: spread ? c.at(i, item.slice(3), 3) : c.at(i, item) }
  })
  if (pieces.every((piece) => !piece.spread && isConstant(piece.render))) return constant(items)
  return (scope) => {
    const out: unknown[] = []
    for (const { spread, render } of pieces) {
      const value = render(scope)
      if (!spread) out.push(value === OMIT ? null : value)
      else if (Array.isArray(value)) for (const item of value) out.push(item)
      else if (value !== null) throw new ConversionError(`"...\${}" in a list spreads a list, got ${describe(value)}`)
    }
    return out
  }
}

/** `...${x}`: three dots and one binding, nothing else. */
function isListSpread(item: unknown): item is string {
  if (typeof item !== 'string' || !item.startsWith('...${')) return false
  try {
    const segments = scanTemplate(item.slice(3))
    return segments.length === 1
  } catch {
    return false // an unclosed `${` is reported where the item compiles as text
  }
}

export function compileMapping(entries: Record<string, unknown>, c: Compiling): Render {
  const only = soleKey(entries)
  if (only === '?') return c.within('?', () => compileConditional(entries['?'], c))
  if (only === '+') return compileJoin(c.at('+', entries['+']))
  if (Object.hasOwn(entries, '*')) return compileMap(entries, c)
  if (Object.hasOwn(entries, '|')) return compileSplit(entries, c)
  return compileFields(entries, c)
}

type Field = { kind: 'key'; key: string; render: Render } | { kind: 'spread' | 'merge'; render: Render }

/** A mapping's keys, with `"..."` spreads and `"?"` merges among them. */
function compileFields(entries: Record<string, unknown>, c: Compiling): Render {
  const fields = Object.entries(entries).map(([key, value]): Field => {
    if (key === '...') return { kind: 'spread', render: c.at(key, value) }
    if (key === '?') return { kind: 'merge', render: c.within(key, () => compileConditional(value, c)) }
    return { kind: 'key', key, render: c.at(key, value) }
  })
  if (fields.every((field) => field.kind === 'key' && isConstant(field.render))) return constant(entries)
  return (scope) => {
    const out: Record<string, unknown> = {}
    for (const field of fields) {
      const value = field.render(scope)
      if (field.kind === 'key') {
        if (value !== OMIT) out[field.key] = value
      } else if (isPlainObject(value)) Object.assign(out, value)
      else if (value !== null && value !== OMIT) {
        throw new ConversionError(
          field.kind === 'spread' ? `"..." in a mapping spreads a mapping, got ${describe(value)}` : `a "?" beside other keys must give a mapping to merge, got ${describe(value)}`,
        )
      }
    }
    return out
  }
}

function compileMap(entries: Record<string, unknown>, c: Compiling): Render {
  const spec = entries['*']
  let source!: Render
  let where: ((scope: Scope) => boolean) | undefined
  if (isPlainObject(spec)) {
    c.within('*', () => {
      checkKeys(spec, ['input', 'where'], '"*"', c)
      // No `input`: nothing to map, an empty list (model-compose 0.4.92).
      source = Object.hasOwn(spec, 'input') ? c.at('input', spec.input) : () => null
      if (spec.where !== undefined) where = c.within('where', () => compileWhere(spec.where, c))
    })
  } else source = c.at('*', spec)
  const rest = Object.fromEntries(Object.entries(entries).filter(([key]) => key !== '*'))
  const template = Object.keys(rest).length > 0 ? compileFields(rest, c) : undefined
  return (scope) => {
    const list = listOf(source(scope), '"*" maps a list')
    if (!template && !where) return list
    const out: unknown[] = []
    for (let index = 0; index < list.length; index++) {
      const inner = itemScope(scope, list[index], index)
      if (where && !where(inner)) continue
      out.push(template ? template(inner) : list[index])
    }
    return out
  }
}

function compileSplit(entries: Record<string, unknown>, c: Compiling): Render {
  const fields = Object.entries(entries)
    .filter(([key]) => key !== '|')
    .map(([key, value]) => [key, c.at(key, value)] as const)
  if (fields.length === 0) throw c.within('|', () => c.error('"|" needs other keys beside it: one list is made for each'))
  const source = c.at('|', entries['|'])
  return (scope) => {
    const list = listOf(source(scope), '"|" splits a list')
    const out: Record<string, unknown[]> = {}
    for (const [key] of fields) out[key] = []
    for (let index = 0; index < list.length; index++) {
      const inner = itemScope(scope, list[index], index)
      for (const [key, render] of fields) {
        const value = render(inner)
        out[key]!.push(value === OMIT ? null : value)
      }
    }
    return out
  }
}

/** The list an operator reads; null is an empty one. */
function listOf(value: unknown, what: string): unknown[] {
  if (value === null || value === OMIT) return []
  if (!Array.isArray(value)) throw new ConversionError(`${what}, got ${describe(value)}`)
  return [...value]
}

type Kind = 'text' | 'list' | 'mapping'

const kindOf = (value: unknown): Kind | undefined =>
  typeof value === 'string' ? 'text' : Array.isArray(value) ? 'list' : isPlainObject(value) ? 'mapping' : undefined

/** `"+"`: null parts are left out; nothing left is null. */
function compileJoin(parts: Render): Render {
  return (scope) => {
    const value = parts(scope)
    if (value === null || value === OMIT) return null
    if (!Array.isArray(value)) throw new ConversionError(`"+" joins a list of parts, got ${describe(value)}`)
    const kept = value.filter((part) => part !== null && part !== OMIT)
    if (kept.length === 0) return null
    const kind = kindOf(kept[0])
    if (!kind) throw new ConversionError(`"+" joins texts, lists or mappings, got ${describe(kept[0])}`)
    const odd = kept.find((part) => kindOf(part) !== kind)
    if (odd !== undefined) throw new ConversionError(`"+" joins parts of one kind: a ${kind} and ${describe(odd)}`)
    if (kind === 'text') return kept.join('')
    if (kind === 'list') return kept.flat(1)
    return Object.assign({}, ...kept)
  }
}

// The `as type/subtype;format` conversions of a binding, as model-compose
// 0.4.92's renderer makes them (src/mindor/core/foundation/variable/renderer.py):
// `as integer` is Python's int() (3.9 → 3), `as boolean` is
// str(value).lower() in ("true", "1"), `as text` of a list or mapping is its
// json.dumps, `as markdown` and `as stream/text` its str(). A converter is made
// once per binding (converterOf): rendering a chunk does no more than the type asks.

import { ConversionError } from '../errors.ts'
import { pythonJson, pythonStr } from '../python-text.ts'
import { isPlainObject } from './compiling.ts'
import { stepInto } from './evaluate.ts'
import { decoderOf, DECODING_TYPES } from './formats.ts'

export type Converter = (value: unknown) => unknown

export function toText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (value instanceof Uint8Array) return new TextDecoder().decode(value)
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/** A value interpolated into text (`"flag=${input.b}"`): Python's str(), None as nothing. */
export function textInTemplate(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === null || value === undefined) return ''
  if (value instanceof Uint8Array) return new TextDecoder().decode(value)
  return pythonStr(value)
}

/** Converts a value to the binding's type; null stays null. */
export function convert(value: unknown, type: string | undefined, subtype?: string, format?: string): unknown {
  return converterOf(type, subtype, format)(value)
}

const keep: Converter = (value) => value ?? null

export function converterOf(type: string | undefined, subtype?: string, format?: string): Converter {
  if (type === undefined) return keep
  if (type.endsWith('[]')) {
    const itemType = type.slice(0, -2)
    const each = converterOf(itemType, subtype, format)
    return (value) => (value === null || value === undefined ? null : listFor(value, type).map(each))
  }
  const to = typed(type, subtype, format)
  const decode = DECODING_TYPES.has(type) ? decoderOf(format) : undefined
  if (decode) return (value) => (value === null || value === undefined ? null : to(typeof value === 'string' ? decode(value) : value))
  return (value) => (value === null || value === undefined ? null : to(value))
}

/** The conversion of a value that is not null. */
function typed(type: string, subtype: string | undefined, format: string | undefined): Converter {
  switch (type) {
    case 'string':
    case 'text':
      // `stream/text` (text;sse-text) is str() of each chunk, as 0.4.92's text stream encodes it.
      return format === 'sse-text' ? textOf : (value) => (typeof value === 'object' && !(value instanceof Uint8Array) ? pythonJson(value) : textOf(value))
    case 'markdown':
      return textOf
    case 'integer':
      return toInteger
    case 'number':
      return toFloat
    case 'slider':
      return toNumber
    case 'boolean':
      return (value) => ['true', '1'].includes(textOf(value).toLowerCase())
    case 'json':
      return (value) => (typeof value === 'string' || value instanceof Uint8Array ? parseJson(textOf(value)) : value)
    case 'list':
      return toList
    case 'object':
      return objectOf(subtype)
    case 'select': {
      const options = subtype?.split(',').map((o) => o.trim())
      return (value) => {
        const text = toText(value)
        if (options && options.length > 0 && !options.includes(text)) throw new ConversionError(`expected one of ${options.join(', ')}, got ${describe(value)}`)
        return text
      }
    }
    case 'base64':
      // Always encodes, text included (model-compose 0.4.92, guide §14.4.5).
      return (value) => Buffer.from(value instanceof Uint8Array ? value : toText(value)).toString('base64')
    default:
      // image, audio, video, file and unknown types are hints for schemas and UIs.
      return keep
  }
}

/** Text as it is, bytes as UTF-8, anything else its Python str(). */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value
  if (value instanceof Uint8Array) return new TextDecoder().decode(value)
  return pythonStr(value)
}

/** `T[]` takes a list, or a JSON array in text; null items stay null. */
function listFor(value: unknown, type: string): unknown[] {
  const list = typeof value === 'string' && value.trim().startsWith('[') ? parseJson(value) : value
  if (!Array.isArray(list)) throw new ConversionError(`expected a list for "${type}", got ${describe(value)}`)
  return list
}

const PY_INT = /^[+-]?\d+(?:_\d+)*$/
const PY_FLOAT = /^[+-]?(?:(?:\d+(?:_\d+)*)?\.?\d+(?:_\d+)*(?:[eE][+-]?\d+(?:_\d+)*)?|\d+(?:_\d+)*\.|inf|infinity|nan)$/i

/** Python's int(): a float is cut toward zero, text must be a whole number. */
function toInteger(value: unknown): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ConversionError(`expected an integer, got ${describe(value)}`)
    return Math.trunc(value)
  }
  if (typeof value === 'boolean') return value ? 1 : 0
  const text = typeof value === 'string' || value instanceof Uint8Array ? textOf(value).trim() : undefined
  if (text === undefined || !PY_INT.test(text)) {
    // "3.9" is a number but not an integer; "many" is not a number at all.
    const numeric = text !== undefined && PY_FLOAT.test(text)
    throw new ConversionError(`expected ${numeric ? 'an integer' : 'a number'}, got ${describe(value)}`)
  }
  return Number(text.replaceAll('_', ''))
}

/** Python's float(). */
function toFloat(value: unknown): number {
  if (typeof value === 'number') return value
  if (typeof value === 'boolean') return value ? 1 : 0
  const text = typeof value === 'string' || value instanceof Uint8Array ? textOf(value).trim() : undefined
  if (text === undefined || !PY_FLOAT.test(text)) throw new ConversionError(`expected a number, got ${describe(value)}`)
  const lower = text.toLowerCase().replace(/^\+/, '')
  if (lower.endsWith('nan')) return NaN
  if (lower.endsWith('inf') || lower.endsWith('infinity')) return lower.startsWith('-') ? -Infinity : Infinity
  return Number(text.replaceAll('_', ''))
}

/** `as slider` (mc's): a number, or numeric text. */
function toNumber(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN
  if (Number.isNaN(n)) throw new ConversionError(`expected a number, got ${describe(value)}`)
  return n
}

/** `as list`: a list, a JSON array in text, or comma-separated text; a mapping or a number is an error. */
function toList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value
  if (typeof value === 'string' || value instanceof Uint8Array) {
    const t = textOf(value).trim()
    if (t.startsWith('[')) {
      const parsed = parseJson(t)
      if (Array.isArray(parsed)) return parsed
    }
    return t === '' ? [] : t.split(',').map((s) => s.trim())
  }
  throw new ConversionError(`expected a list, got ${describe(value)}`)
}

/** `as object`, `object/f1,a.f2`: a mapping (or one in JSON text), only those fields (dotted paths) when named. */
function objectOf(fields: string | undefined): Converter {
  const paths = fields?.split(',').map((f) => f.trim()).filter(Boolean).map((path) => path.split('.'))
  return (value) => {
    const mapping = typeof value === 'string' || value instanceof Uint8Array ? parseJson(textOf(value)) : value
    if (!isPlainObject(mapping)) throw new ConversionError(`expected a mapping, got ${describe(value)}`)
    if (!paths || paths.length === 0) return mapping
    const out: Record<string, unknown> = {}
    for (const steps of paths) {
      let v: unknown = mapping
      for (const step of steps) v = stepInto(v, step)
      out[steps[steps.length - 1]!] = v
    }
    return out
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new ConversionError(`expected JSON, got ${describe(text)}`)
  }
}

/** A value in a one-line message: text quoted, anything long cut short. */
export function describe(value: unknown): string {
  const text = typeof value === 'string' || value instanceof Uint8Array ? JSON.stringify(toText(value)) : toText(value)
  return text.length > 40 ? `${text.slice(0, 40)}…` : text
}

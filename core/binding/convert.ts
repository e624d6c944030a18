// The `as type/subtype` conversions of a binding.

import { ConversionError } from '../errors.ts'
import { stepInto } from './evaluate.ts'

export function toText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (value instanceof Uint8Array) return new TextDecoder().decode(value)
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/** Converts a value to the binding's type; null stays null. */
export function convert(value: unknown, type: string | undefined, subtype?: string): unknown {
  if (value === null || value === undefined || type === undefined) return value ?? null
  if (type.endsWith('[]') && type !== 'object[]') return convertEach(value, type.slice(0, -2), subtype)
  switch (type) {
    case 'string':
    case 'text':
    case 'markdown':
      return toText(value)
    case 'integer':
    case 'number':
    case 'slider': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN
      if (Number.isNaN(n)) throw new ConversionError(`expected a number, got ${describe(value)}`)
      if (type === 'integer' && !Number.isInteger(n)) throw new ConversionError(`expected an integer, got ${describe(value)}`)
      return n
    }
    case 'boolean':
      return toBoolean(value)
    case 'json':
      return typeof value === 'string' ? parseJson(value) : value
    case 'list':
      return toList(value)
    case 'object[]':
      return project(toList(value), subtype)
    case 'select': {
      const options = subtype?.split(',').map((o) => o.trim())
      const text = toText(value)
      if (options && options.length > 0 && !options.includes(text)) {
        throw new ConversionError(`expected one of ${options.join(', ')}, got ${describe(value)}`)
      }
      return text
    }
    case 'base64':
      // Always encodes, text included (model-compose 0.4.92, guide §14.4.5).
      return Buffer.from(value instanceof Uint8Array ? value : toText(value)).toString('base64')
    default:
      // image, audio, video, file and unknown types are hints for schemas and UIs.
      return value
  }
}

/** `T[]`: each item of a list (or of a JSON array in text) converted to T; null items stay null. */
function convertEach(value: unknown, type: string, subtype: string | undefined): unknown[] {
  const list = typeof value === 'string' && value.trim().startsWith('[') ? parseJson(value) : value
  if (!Array.isArray(list)) throw new ConversionError(`expected a list for "${type}[]", got ${describe(value)}`)
  return list.map((item) => convert(item, type, subtype))
}

function toBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value
  if (typeof value === 'number') return value !== 0
  if (typeof value === 'string') {
    const t = value.trim().toLowerCase()
    if (['true', '1', 'yes', 'on'].includes(t)) return true
    if (['false', '0', 'no', 'off', ''].includes(t)) return false
  }
  throw new ConversionError(`expected a boolean, got ${describe(value)}`)
}

function toList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value
  if (typeof value === 'string') {
    const t = value.trim()
    if (t.startsWith('[')) {
      const parsed = parseJson(t)
      if (Array.isArray(parsed)) return parsed
    }
    return t === '' ? [] : t.split(',').map((s) => s.trim())
  }
  return [value]
}

/** `object[]/f1,a.f2`: keep only those fields (dotted paths) of each item. */
function project(items: unknown[], fields: string | undefined): unknown[] {
  if (!fields) return items
  const paths = fields.split(',').map((f) => f.trim()).filter(Boolean)
  return items.map((item) => {
    const out: Record<string, unknown> = {}
    for (const path of paths) {
      const steps = path.split('.')
      let v: unknown = item
      for (const step of steps) v = stepInto(v, step)
      out[steps[steps.length - 1]!] = v
    }
    return out
  })
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
  const text = typeof value === 'string' ? JSON.stringify(value) : toText(value)
  return text.length > 40 ? `${text.slice(0, 40)}…` : text
}

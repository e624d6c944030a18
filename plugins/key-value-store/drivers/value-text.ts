// Values as the stores hold them, as model-compose writes them: text as it is
// (bytes, an uploaded file, decoded as UTF-8), lists and mappings as JSON,
// anything else as its text. Read back, a text that parses as JSON is given
// parsed (a stored 42 or {"a": 1} comes back as a number or an object), any
// other text as it is.

import { pythonJson, pythonStr, toText } from '../../../core/plugin/api.ts'

export function encodeValue(value: unknown): string {
  if (typeof value === 'string') return value
  if (value instanceof Uint8Array) return toText(value)
  if (Array.isArray(value) || (value !== null && typeof value === 'object')) return pythonJson(value)
  return pythonStr(value)
}

export function decodeValue(text: string | null): unknown {
  if (text === null) return null
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

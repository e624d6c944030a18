// What of a run's input or output a tracer may send (model-compose's
// `capture`): keys named in `redact_keys` (any case, at any depth) and text
// under keys named like credentials (secrets.ts) become "[redacted]"; secrets
// mc knows of, and the shapes of tokens, are masked as in logs; bytes and
// streams are described, not sent; a payload whose JSON is larger than
// `max_payload_bytes` becomes "[truncated]".

import { isCredentialName, redact } from '../secrets.ts'
import { isStream } from '../stream/stream.ts'
import type { CaptureConfig } from '../model/tracer-config.ts'

export const REDACTED = '[redacted]'
export const TRUNCATED = '[truncated]'
/** A value JSON cannot write (a getter that throws, a `toJSON` that does). */
const UNSERIALIZABLE = '[unserializable]'

/** Nesting deeper than this is not walked (its JSON would be cut anyway). */
const MAX_DEPTH = 64

/** The payload as the attribute's text, or undefined when there is nothing to send. */
export function capturedPayload(value: unknown, capture: CaptureConfig): string | undefined {
  // A streamed output is not kept whole (model-compose sends none either).
  if (value === undefined || isStream(value)) return undefined
  let text: string
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(cleaned(value, capture.redactKeys, 0)) ?? 'null')
  } catch {
    return UNSERIALIZABLE
  }
  // Measured before masking (which only shortens), so that a huge payload is not scanned for nothing.
  // A UTF-8 byte is at least one UTF-16 unit and at most three: count bytes only when it could be over.
  if (text.length * 3 > capture.maxPayloadBytes && Buffer.byteLength(text) > capture.maxPayloadBytes) return TRUNCATED
  return redact(text)
}

/** A copy fit for JSON with the redactions made. */
function cleaned(value: unknown, redactKeys: ReadonlySet<string>, depth: number): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'bigint' ? String(value) : value
  if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`
  if (isStream(value)) return '[stream]'
  if (depth >= MAX_DEPTH) return TRUNCATED
  if (Array.isArray(value)) return value.map((item) => cleaned(item, redactKeys, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    const secret = redactKeys.has(key.toLowerCase()) || (typeof item === 'string' && isCredentialName(key))
    out[key] = secret ? REDACTED : cleaned(item, redactKeys, depth + 1)
  }
  return out
}

// The input formats after `;` that model-compose 0.4.92 decodes before a
// binding's type applies (`${input.n as integer;base64}` with "MTIz" is 123):
// `base64` and `data-uri` give the bytes they hold. They apply to the types
// that read a value's bytes (DECODING_TYPES), and to text only; media types
// (`as image;base64`) take them as hints, as before.
//
// `;path` (read the file the value names) is refused where it would decode:
// see type-spec.ts.

import { ConversionError } from '../errors.ts'

/** The types whose value 0.4.92 reads through `;base64`, `;data-uri`, `;path`, `;url`. */
export const DECODING_TYPES: ReadonlySet<string> = new Set(['string', 'text', 'integer', 'number', 'boolean', 'list', 'object', 'json', 'base64', 'markdown'])

/** What decodes text in a format, or undefined when the format decodes nothing. */
export function decoderOf(format: string | undefined): ((text: string) => Uint8Array) | undefined {
  if (format === 'base64') return decodeBase64
  if (format === 'data-uri') return decodeDataUri
  return undefined
}

const NOT_BASE64 = /[^A-Za-z0-9+/=]/g

/** Python's base64.b64decode: characters outside the alphabet are skipped; bad padding is an error. */
function decodeBase64(text: string): Uint8Array {
  const kept = text.replace(NOT_BASE64, '')
  if (kept.length % 4 !== 0 || /=[^=]/.test(kept)) throw new ConversionError(`expected base64 text, got ${short(text)}`)
  return new Uint8Array(Buffer.from(kept, 'base64'))
}

const DATA_URI = /^data:([^,;]*(?:;[^,;]+)*),(.*)$/s

/** `data:[mime][;param...][;base64],data`: its data, base64 or %-escaped. */
function decodeDataUri(text: string): Uint8Array {
  const match = DATA_URI.exec(text)
  if (!match) throw new ConversionError(`expected a data URI (data:...,...), got ${short(text)}`)
  const [, meta, data] = match as unknown as [string, string, string]
  return meta.split(';').includes('base64') ? decodeBase64(data) : unquoteToBytes(data)
}

/** urllib's unquote_to_bytes: `%XX` is that byte, any other character its UTF-8. */
function unquoteToBytes(text: string): Uint8Array {
  const bytes: number[] = []
  const encoder = new TextEncoder()
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16))
      i += 2
    } else {
      const code = text.codePointAt(i)!
      const ch = String.fromCodePoint(code)
      for (const b of encoder.encode(ch)) bytes.push(b)
      i += ch.length - 1
    }
  }
  return new Uint8Array(bytes)
}

const short = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)

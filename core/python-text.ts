// Text measured and trimmed the way Python does it, so that results match
// model-compose's: a length is a count of code points (an emoji is one, not
// two UTF-16 units), and strip() removes Python's whitespace.

const PYTHON_SPACE = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000'
const EDGES = new RegExp(`^[${PYTHON_SPACE}]+|[${PYTHON_SPACE}]+$`, 'g')

/** Python's str.strip(). */
export function pythonStrip(text: string): string {
  return text.replace(EDGES, '')
}

const SURROGATE = /[\ud800-\udfff]/

/** Python's len(): code points. */
export function codePoints(text: string): number {
  if (!SURROGATE.test(text)) return text.length
  let count = 0
  for (const _ of text) count++
  return count
}

// Text forms of values as model-compose 0.4.92 makes them: str() where a value
// is interpolated into text, json.dumps() (its ", " and ": " spacing, non-ASCII
// kept) for `as text` of a list or mapping. A JSON number that is whole reads as
// Python's int (`3`), any other as its float (`0.5`, `1e-05`).

/** Python's str(): strings as they are, True/False, lists and mappings as repr(). */
export function pythonStr(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === null || value === undefined) return 'None'
  if (typeof value === 'number') return Number.isInteger(value) ? pythonInt(value) : pythonFloat(value)
  return pythonRepr(value)
}

function pythonRepr(value: unknown): string {
  if (typeof value === 'string') return reprString(value)
  if (value === null || value === undefined) return 'None'
  if (value === true) return 'True'
  if (value === false) return 'False'
  if (typeof value === 'number') return pythonStr(value)
  if (value instanceof Uint8Array) return reprString(new TextDecoder().decode(value))
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`
  if (typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${reprString(k)}: ${pythonRepr(v)}`).join(', ')}}`
  }
  return String(value)
}

const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u
const NEEDS_ESCAPE = /[\\'"\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u

/** repr() of a str: single quotes unless the text holds one and no double quote. */
function reprString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'"
  if (!NEEDS_ESCAPE.test(text)) return `${quote}${text}${quote}`
  let out = quote
  for (const ch of text) {
    if (ch === quote || ch === '\\') out += `\\${ch}`
    else if (ch === '\t') out += '\\t'
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === ' ' || !NOT_PRINTABLE.test(ch)) out += ch
    else {
      const code = ch.codePointAt(0)!
      out += code < 0x100 ? `\\x${hex(code, 2)}` : code < 0x10000 ? `\\u${hex(code, 4)}` : `\\U${hex(code, 8)}`
    }
  }
  return out + quote
}

const hex = (code: number, width: number) => code.toString(16).padStart(width, '0')

/** str() of an int: all its digits, however large. */
function pythonInt(n: number): string {
  return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString()
}

/** repr() of a float: the shortest digits, in exponent form below 1e-4 and from 1e16 on. */
export function pythonFloat(n: number): string {
  if (Number.isNaN(n)) return 'nan'
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf'
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0'
  const [mantissa, exp] = n.toExponential().split('e') as [string, string]
  const exponent = Number(exp)
  if (exponent < -4 || exponent >= 16) {
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`
  }
  const text = Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString()
  return text.includes('.') ? text : `${text}.0`
}

/** json.dumps(value, ensure_ascii=False): `{"a": 1, "b": [1, 2]}`. */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN'
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity'
    return Number.isInteger(value) ? pythonInt(value) : pythonFloat(value)
  }
  if (value instanceof Uint8Array) return JSON.stringify(new TextDecoder().decode(value))
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`
  if (typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`).join(', ')}}`
  }
  return JSON.stringify(String(value))
}

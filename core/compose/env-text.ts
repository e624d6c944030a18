// Pass 1a: `${env.NAME}` and `${env.NAME | default}` — the form model-compose
// 0.4.92 substitutes in the file's text before the YAML is read — stand in
// the text as placeholders while it is parsed, and are given their values
// scalar by scalar: a plain scalar takes the type its substituted text reads
// as in YAML (`port: ${env.PORT}` with PORT=8080 is the number 8080, and
// `{port: ${env.X | 9090}}` is valid), a quoted or block scalar stays text.
// Unlike text substitution, a value never makes structure (`a: b`, `[1, 2]`,
// `# ...` stay text) and never reaches a YAML parse error; a placeholder has
// the length of what it stands for, so every file:line:col stays true.
// Other `${env...}` bindings (`as integer`, spaces in a default) are left to
// interpolate.ts.

import { registerSecret } from '../secrets.ts'

/** model-compose 0.4.92's pattern (its loader.py), global. */
const ENV_PATTERN = /\$\{\s*env\.([^\s|}]+)(?:\s*\|\s*([^\s}]+))?\s*\}/g

/** Keys holding a URL or part of one: a variable spliced into one is a credential (`/bot${env.TOKEN}/send`). */
export const URL_KEYS = new Set(['endpoint', 'base_url', 'path', 'url'])

interface Slot {
  name: string
  fallback: string | undefined
}

export class EnvText {
  /** The text to parse: each binding replaced by a placeholder of the same length. */
  readonly text: string
  private readonly slots: Slot[] = []
  private readonly find: RegExp | undefined

  constructor(
    source: string,
    private readonly env: Record<string, string | undefined>,
  ) {
    const [start, pad] = markers(source)
    this.text = source.replace(ENV_PATTERN, (match, name: string, fallback: string | undefined) => {
      const index = String(this.slots.length)
      if (index.length + 1 > match.length) return match
      this.slots.push({ name, fallback })
      return start + index + pad.repeat(match.length - 1 - index.length)
    })
    if (this.slots.length > 0) this.find = new RegExp(`${start}(\\d+)${pad}*`, 'g')
  }

  /** Whether `text` (a scalar or key as parsed) holds a placeholder. */
  holds(text: string): boolean {
    if (!this.find) return false
    this.find.lastIndex = 0
    return this.find.test(text)
  }

  /**
   * The value of a parsed scalar holding placeholders: `plain` = an unquoted
   * flow scalar, read as YAML reads it. `key` is the map key it stands under;
   * `onRead` hears of each variable read without a default, and whether it is missing (not set).
   */
  resolve(text: string, plain: boolean, key: string | number | undefined, onRead: (name: string, missing: boolean) => void): unknown {
    const values: string[] = []
    this.find!.lastIndex = 0
    const spliced = text.replace(this.find!, (_match, index: string) => {
      const value = this.valueOf(this.slots[Number(index)]!, onRead)
      values.push(value)
      return value
    })
    // A value spliced into a URL is a credential; a whole value is not (a base URL is not a secret).
    if (typeof key === 'string' && URL_KEYS.has(key) && spliced !== values[0]) {
      for (const value of values) if (value.length >= 8 && !value.includes('://')) registerSecret(value)
    }
    return plain ? plainScalar(spliced) : spliced
  }

  private valueOf(slot: Slot, onRead: (name: string, missing: boolean) => void): string {
    const value = this.env[slot.name]
    if (slot.fallback === undefined) onRead(slot.name, value === undefined)
    return value ?? slot.fallback ?? ''
  }
}

/** Two characters the text does not contain (private use, which YAML allows in plain scalars). */
function markers(source: string): [string, string] {
  const free: string[] = []
  for (let code = 0xe000; code <= 0xf8ff && free.length < 2; code++) {
    const c = String.fromCharCode(code)
    if (!source.includes(c)) free.push(c)
  }
  return [free[0]!, free[1]!]
}

/** A plain scalar's text as YAML 1.2's core schema reads it (the schema mc reads files with). */
export function plainScalar(text: string): unknown {
  const t = text.trim()
  if (/^(?:~|null|Null|NULL)?$/.test(t)) return null
  if (/^(?:true|True|TRUE)$/.test(t)) return true
  if (/^(?:false|False|FALSE)$/.test(t)) return false
  if (/^[-+]?[0-9]+$/.test(t)) return Number(t)
  if (/^0o[0-7]+$/.test(t)) return Number.parseInt(t.slice(2), 8)
  if (/^0x[0-9a-fA-F]+$/.test(t)) return Number.parseInt(t.slice(2), 16)
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(t)) return Number(t)
  if (/^[-+]?\.(?:inf|Inf|INF)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity
  if (/^\.(?:nan|NaN|NAN)$/.test(t)) return Number.NaN
  return t
}

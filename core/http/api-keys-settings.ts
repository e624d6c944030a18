// Where the API keys come from, all of them together:
// - MC_API_KEY: one key, named "default" (as before named keys existed);
// - MC_API_KEYS: "alice:key1,bob:key2", names and keys without limits;
// - MC_API_KEYS_FILE: a YAML file of `name: key` or `name: {key, requests_per_minute,
//   concurrent_runs}`, refused when its group or others may read it.
// A bad entry is one line naming the variable (and the file's line).

import { readFileSync, statSync } from 'node:fs'
import { isMap, isScalar, LineCounter, parseDocument, type Pair } from 'yaml'
import { describeBytes } from '../settings.ts'
import { ApiKeys, type NamedKey } from './api-keys.ts'
import type { KeyLimits } from './key-limits.ts'

type Env = Readonly<Record<string, string | undefined>>

/** The name MC_API_KEY's key goes by. */
const DEFAULT_KEY_NAME = 'default'
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/
const MAX_FILE_BYTES = 1024 * 1024
// Every request is compared with every key (constant time): 1,000 keys take about 50 µs.
const MAX_KEYS = 1000
const LIMIT_FIELDS: Record<string, keyof KeyLimits> = { requests_per_minute: 'requestsPerMinute', concurrent_runs: 'concurrentRuns' }

/** The keys the environment names, or undefined when it names none (then nothing asks for a key). */
export function apiKeysOf(env: Env): ApiKeys | undefined {
  const keys: NamedKey[] = []
  const single = env.MC_API_KEY?.trim()
  if (single) keys.push({ name: DEFAULT_KEY_NAME, key: single, limits: {} })
  keys.push(...listedKeys(env.MC_API_KEYS?.trim()))
  const file = env.MC_API_KEYS_FILE?.trim()
  if (file) keys.push(...fileKeys(file))
  if (keys.length === 0) return undefined
  const given = ['MC_API_KEY', 'MC_API_KEYS', 'MC_API_KEYS_FILE'].filter((name) => env[name]?.trim())
  if (keys.length > MAX_KEYS) throw new Error(`API keys: ${keys.length} given, more than the ${MAX_KEYS} mc takes`)
  const names = new Set<string>()
  const values = new Set<string>()
  for (const { name, key } of keys) {
    if (names.has(name)) throw new Error(`API keys: the name "${name}" is given twice (MC_API_KEY's key is named "${DEFAULT_KEY_NAME}")`)
    if (values.has(key)) throw new Error(`API keys: "${name}" has the same key as another name; give each name its own key`)
    names.add(name)
    values.add(key)
  }
  return new ApiKeys(keys, given.length === 1 && single ? 'the value of MC_API_KEY' : `a key of ${given.join(' or ')}`)
}

function listedKeys(text: string | undefined): NamedKey[] {
  if (!text) return []
  return text.split(',').map((entry, i) => {
    const colon = entry.indexOf(':')
    const name = entry.slice(0, colon).trim()
    const key = entry.slice(colon + 1).trim()
    if (colon < 0 || !key) throw new Error(`MC_API_KEYS: entry ${i + 1}: expected "name:key" (entries separated by commas)`)
    return { name: checkedName(name, `MC_API_KEYS: entry ${i + 1}`), key, limits: {} }
  })
}

function fileKeys(path: string): NamedKey[] {
  // Not the path: the variable is named like a secret, so logs mask its value.
  const where = 'MC_API_KEYS_FILE'
  let stat
  try {
    stat = statSync(path)
  } catch (error) {
    throw new Error(`${where}: cannot read it: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
  // Keys are passwords: a file others may read gives them away.
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    throw new Error(`${where}: its group or others may read it (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}); make it readable by its owner only: chmod 600 "$MC_API_KEYS_FILE"`)
  }
  if (stat.size > MAX_FILE_BYTES) throw new Error(`${where}: larger than ${describeBytes(MAX_FILE_BYTES)}`)
  const lineCounter = new LineCounter()
  const doc = parseDocument(readFileSync(path, 'utf8'), { lineCounter, prettyErrors: false })
  const lineOf = (offset: number | undefined) => `${where} line ${lineCounter.linePos(offset ?? 0).line}`
  if (doc.errors[0]) throw new Error(`${lineOf(doc.errors[0].pos[0])}: not valid YAML: ${doc.errors[0].message.split('\n')[0]}`)
  // An empty file must not leave the API open.
  if (doc.contents === null || (isMap(doc.contents) && doc.contents.items.length === 0)) throw new Error(`${where}: has no keys`)
  if (!isMap(doc.contents)) throw new Error(`${lineOf(doc.contents.range?.[0])}: expected lines of "name: key"`)
  return doc.contents.items.map((pair) => fileEntry(pair as Pair, lineOf))
}

function fileEntry(pair: Pair, lineOf: (offset: number | undefined) => string): NamedKey {
  const keyNode = pair.key
  const at = lineOf(isScalar(keyNode) ? keyNode.range?.[0] : undefined)
  const name = checkedName(isScalar(keyNode) ? String(keyNode.value) : '', at)
  const value = pair.value
  if (isScalar(value) && (typeof value.value === 'string' || typeof value.value === 'number') && String(value.value).trim()) {
    return { name, key: String(value.value).trim(), limits: {} }
  }
  if (!isMap(value)) throw new Error(`${at}: "${name}": expected its key, or {key, requests_per_minute, concurrent_runs}`)
  let key: string | undefined
  const limits: KeyLimits = {}
  for (const item of value.items as Pair[]) {
    const field = isScalar(item.key) ? String(item.key.value) : ''
    const fieldAt = lineOf(isScalar(item.key) ? item.key.range?.[0] : undefined)
    const raw = isScalar(item.value) ? item.value.value : undefined
    if (field === 'key') {
      if ((typeof raw !== 'string' && typeof raw !== 'number') || !String(raw).trim()) throw new Error(`${fieldAt}: "${name}".key: expected the key as text`)
      key = String(raw).trim()
    } else if (field in LIMIT_FIELDS) {
      if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 1) throw new Error(`${fieldAt}: "${name}".${field}: expected a whole number above 0`)
      limits[LIMIT_FIELDS[field]!] = raw
    } else {
      throw new Error(`${fieldAt}: "${name}".${field}: unknown field (fields: key, ${Object.keys(LIMIT_FIELDS).join(', ')})`)
    }
  }
  if (key === undefined) throw new Error(`${at}: "${name}": has no "key"`)
  return { name, key, limits }
}

function checkedName(name: string, where: string): string {
  if (!NAME.test(name)) throw new Error(`${where}: "${name}" is not a key name: letters, digits, "_", ".", "@", "-", at most 64`)
  return name
}

// A run's rendered values checked and shaped for the driver: one vector or a
// list of them, ids (a ULID when none is given, as model-compose does),
// metadata, documents, and search's top_k, metric and filter. Every count and
// size is bounded; a bad value is a 422 naming its key.

import { ulid } from 'ulid'
import { invalidInput, toText } from '../../core/plugin/api.ts'
import { METRICS, type Entry, type Metadata, type Metric } from './store/driver.ts'
import type { VectorStoreAction } from './schema.ts'

const MAX_VECTORS = 10_000
const MAX_DIMENSIONS = 65_536
/** Numbers in one run's vectors together (64 MB as float32). */
const MAX_NUMBERS = 16 * 1024 * 1024
const MAX_TOP_K = 1_000
const MAX_ID_CHARS = 256
const MAX_METADATA_BYTES = 64 * 1024
const MAX_DOCUMENT_CHARS = 1024 * 1024

export const DEFAULT_COLLECTION = 'default'

export function collectionOf(action: VectorStoreAction): string {
  const name = action.collection === undefined || action.collection === null ? DEFAULT_COLLECTION : toText(action.collection)
  if (name === '' || name.length > 128) throw invalidInput(`collection: expected a name of 1 to 128 characters, got ${JSON.stringify(name.slice(0, 140))}`)
  return name
}

/** One vector (single: true) or a list of them. */
export function vectorsOf(value: unknown, key: string, dimension?: number): { vectors: Float32Array[]; single: boolean } {
  if (!Array.isArray(value) || value.length === 0) throw invalidInput(`${key}: expected a vector (a list of numbers) or a list of vectors, got ${brief(value)}`)
  const single = !Array.isArray(value[0])
  const list = single ? [value] : value
  if (list.length > MAX_VECTORS) throw invalidInput(`${key}: at most ${MAX_VECTORS} vectors at once, got ${list.length}`)
  const numbers = list.reduce((sum: number, v: unknown) => sum + (Array.isArray(v) ? v.length : 0), 0)
  if (numbers > MAX_NUMBERS) throw invalidInput(`${key}: at most ${MAX_NUMBERS} numbers in all at once, got ${numbers}`)
  const vectors = list.map((v: unknown, i) => {
    const at = single ? key : `${key}[${i}]`
    if (!Array.isArray(v) || v.length === 0 || v.length > MAX_DIMENSIONS) throw invalidInput(`${at}: expected a list of 1 to ${MAX_DIMENSIONS} numbers, got ${brief(v)}`)
    if (!v.every((x) => typeof x === 'number' && Number.isFinite(x))) throw invalidInput(`${at}: expected finite numbers only`)
    if (dimension !== undefined && v.length !== dimension) throw invalidInput(`${at}: has ${v.length} dimensions, the component's dimension is ${dimension}`)
    return Float32Array.from(v as number[])
  })
  return { vectors, single }
}

/** The ids given (one or a list), or undefined. */
export function idsOf(value: unknown, key = 'vector_id'): string[] | undefined {
  if (value === undefined || value === null || value === '') return undefined
  const list = Array.isArray(value) ? value : [value]
  if (list.length > MAX_VECTORS) throw invalidInput(`${key}: at most ${MAX_VECTORS} ids at once, got ${list.length}`)
  return list.map((id, i) => {
    if (typeof id !== 'string' && typeof id !== 'number') throw invalidInput(`${key}[${i}]: expected a string or a number, got ${brief(id)}`)
    const text = String(id)
    if (text === '' || text.length > MAX_ID_CHARS) throw invalidInput(`${key}[${i}]: expected 1 to ${MAX_ID_CHARS} characters`)
    return text
  })
}

/** The records of an insert or update, each slot matched by position; a lone metadata or document goes with a lone vector. */
export function entriesOf(action: VectorStoreAction, ids: string[], vectors: Float32Array[] | undefined): Entry[] {
  const metadata = listOf(action.metadata, ids.length, 'metadata', isMetadata)
  const documents = listOf(action.document, ids.length, 'document', (d): d is string => typeof d === 'string')
  return ids.map((id, i) => {
    const m = metadata?.[i]
    if (m && JSON.stringify(m).length > MAX_METADATA_BYTES) throw invalidInput(`metadata[${i}]: larger than ${MAX_METADATA_BYTES} bytes as JSON`)
    const d = documents?.[i]
    if (d && d.length > MAX_DOCUMENT_CHARS) throw invalidInput(`document[${i}]: longer than ${MAX_DOCUMENT_CHARS} characters`)
    return { id, vector: vectors?.[i], metadata: metadata ? (m ?? null) : undefined, document: documents ? (d ?? null) : undefined }
  })
}

/**
 * Ids for `count` new vectors: those given (as many), or new ULIDs. One id
 * (not a list) for several vectors — a text split into chunks — names each
 * chunk `<id>#1`, `<id>#2`, … in order.
 */
export function newIds(value: unknown, count: number): string[] {
  const ids = idsOf(value)
  if (!ids) return Array.from({ length: count }, () => ulid())
  if (ids.length === 1 && !Array.isArray(value) && count > 1) {
    if (ids[0]!.length + String(count).length + 1 > MAX_ID_CHARS) throw invalidInput(`vector_id: too long to number ${count} chunks (at most ${MAX_ID_CHARS} characters)`)
    return Array.from({ length: count }, (_, i) => `${ids[0]}#${i + 1}`)
  }
  if (ids.length !== count) throw invalidInput(`vector_id: ${ids.length} ids for ${count} vectors`)
  return ids
}

export function topKOf(value: unknown): number {
  const n = value === undefined || value === null ? 10 : Number(value)
  if (!Number.isInteger(n) || n < 1 || n > MAX_TOP_K) throw invalidInput(`top_k: expected a whole number from 1 to ${MAX_TOP_K}, got ${brief(value)}`)
  return n
}

export function metricOf(value: unknown): Metric {
  if (value === undefined || value === null) return 'COSINE'
  const metric = toText(value).toUpperCase()
  if (!METRICS.includes(metric as Metric)) throw invalidInput(`metric_type: expected one of ${METRICS.join(', ')}, got ${brief(value)}`)
  return metric as Metric
}

export function outputFieldsOf(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value) || !value.every((f) => typeof f === 'string')) throw invalidInput(`output_fields: expected a list of metadata field names, got ${brief(value)}`)
  return value
}

function listOf<T>(value: unknown, count: number, key: string, ok: (v: unknown) => v is T): (T | null)[] | undefined {
  if (value === undefined) return undefined
  if (value === null) return Array.from({ length: count }, () => null)
  const list = Array.isArray(value) ? value : [value]
  if (list.length !== count) throw invalidInput(`${key}: ${list.length} given for ${count} vectors`)
  return list.map((v, i) => {
    if (v === null || ok(v)) return v
    throw invalidInput(`${key}[${i}]: unexpected ${brief(v)}`)
  })
}

const isMetadata = (v: unknown): v is Metadata => typeof v === 'object' && v !== null && !Array.isArray(v)

function brief(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 60)}…` : text
}

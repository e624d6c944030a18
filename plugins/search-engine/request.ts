// One run's values read from its rendered action, each checked and bounded; a
// bad one is a 422 naming the key. One item (a document, a query, an id) gives
// one result, a list gives a list; at most `maxItems` items a call, documents
// of at most `maxDocumentBytes`, `limit` at most `maxResults`.

import { invalidInput, pythonJson, toText, wholeNumberOf } from '../../core/plugin/api.ts'
import { FIELD_TYPES, type Field } from './drivers/field.ts'

export const MAX_QUERY_BYTES = 16 * 1024
export const DEFAULT_LIMIT = 10
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/

export interface Limits {
  maxItems: number
  maxDocumentBytes: number
  maxResults: number
}

/** A name SQLite can take as a table or column: letters, digits and _, as model-compose requires. */
export function identifierOf(name: unknown, where: string): string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) throw invalidInput(`${where}: expected a name of letters, digits and _ (not starting with a digit), got ${JSON.stringify(name)}`)
  return name
}

/** The items of a value: one (single) or a list, at most maxItems. */
export function itemsOf(value: unknown, key: string, limits: Limits): { items: unknown[]; single: boolean } {
  if (value === undefined || value === null) throw invalidInput(`${key}: missing`)
  const single = !Array.isArray(value)
  const items = single ? [value] : (value as unknown[])
  if (items.length > limits.maxItems) throw invalidInput(`${key}: ${items.length} items, more than the ${limits.maxItems} one call takes (MC_SEARCH_MAX_ITEMS)`)
  return { items, single }
}

export function documentOf(value: unknown, where: string, limits: Limits): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidInput(`${where}: expected a document, a mapping of field names to values`)
  const bytes = Buffer.byteLength(pythonJson(value))
  if (bytes > limits.maxDocumentBytes) throw invalidInput(`${where}: ${bytes} bytes, more than ${limits.maxDocumentBytes} (MC_SEARCH_MAX_DOCUMENT_BYTES)`)
  return value as Record<string, unknown>
}

export function queryOf(value: unknown, where: string): string {
  if (typeof value !== 'string' && typeof value !== 'number') throw invalidInput(`${where}: expected a text`)
  const query = toText(value)
  if (Buffer.byteLength(query) > MAX_QUERY_BYTES) throw invalidInput(`${where}: longer than ${MAX_QUERY_BYTES} bytes`)
  return query
}

export function limitOf(value: unknown, limits: Limits): number {
  if (value === undefined || value === null) return DEFAULT_LIMIT
  const limit = wholeNumberOf(value, 'limit', 1)
  if (limit > limits.maxResults) throw invalidInput(`limit: ${limit}, more than the ${limits.maxResults} hits one call gives (MC_SEARCH_MAX_RESULTS)`)
  return limit
}

/** `search_fields`: none (every field), one name, or a list of names. */
export function searchFieldsOf(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return []
  const names = Array.isArray(value) ? value : [value]
  return names.map((name, index) => identifierOf(name, Array.isArray(value) ? `search_fields[${index}]` : 'search_fields'))
}

/** An index's `fields`: names and types, at most one of type id. Throws a plain Error (the caller says where). */
export function fieldsOf(value: unknown): Field[] | undefined {
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value) || value.length === 0) throw new Error('expected a list of fields, each {name, type}')
  const fields = value.map((field, index): Field => {
    if (field === null || typeof field !== 'object') throw new Error(`[${index}]: expected {name, type}`)
    const { name, type = 'text' } = field as { name?: unknown; type?: unknown }
    if (typeof name !== 'string' || !IDENTIFIER.test(name)) throw new Error(`[${index}].name: expected a name of letters, digits and _, got ${JSON.stringify(name)}`)
    if (!(FIELD_TYPES as readonly unknown[]).includes(type)) throw new Error(`[${index}].type: expected ${FIELD_TYPES.join(', ')}, got ${JSON.stringify(type)}`)
    return { name, type: type as Field['type'] }
  })
  const ids = fields.filter((field) => field.type === 'id')
  if (ids.length > 1) throw new Error(`one field of type id at most, got ${ids.map((field) => field.name).join(' and ')}`)
  if (new Set(fields.map((field) => field.name)).size !== fields.length) throw new Error('field names must differ')
  return fields
}

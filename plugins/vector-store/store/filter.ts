// Metadata filters, as model-compose writes them: `{field: value}` (equal) or
// `{field: {op: value}}` with op one of eq, neq, gt, gte, lt, lte, in,
// not-in; or its normalised list of `{field, operator, value}`. All conditions
// must hold (AND). A record lacking the field matches only neq and not-in.

import { invalidInput } from '../../../core/plugin/api.ts'

export const OPERATORS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'not-in'] as const
export type Operator = (typeof OPERATORS)[number]
export type Scalar = string | number | boolean

export interface Condition {
  field: string
  operator: Operator
  value: Scalar | Scalar[]
}

const MAX_CONDITIONS = 64
const isScalar = (v: unknown): v is Scalar => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'

/** The conditions of a rendered `filter` (null or {} for none); a bad one is a 422 naming it. */
export function parseFilter(filter: unknown, key = 'filter'): Condition[] {
  if (filter === undefined || filter === null || filter === '') return []
  const raw: { field: unknown; operator: unknown; value: unknown }[] = []
  if (Array.isArray(filter)) {
    for (const item of filter) raw.push(typeof item === 'object' && item !== null ? (item as never) : { field: undefined, operator: undefined, value: item })
  } else if (typeof filter === 'object') {
    for (const [field, value] of Object.entries(filter)) {
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        for (const [operator, operand] of Object.entries(value)) raw.push({ field, operator, value: operand })
      } else raw.push({ field, operator: 'eq', value })
    }
  } else throw invalidInput(`${key}: expected a mapping of metadata fields to values or {operator: value}, got ${JSON.stringify(filter)}`)
  if (raw.length > MAX_CONDITIONS) throw invalidInput(`${key}: at most ${MAX_CONDITIONS} conditions, got ${raw.length}`)
  return raw.map(({ field, operator, value }) => {
    if (typeof field !== 'string' || field === '') throw invalidInput(`${key}: each condition needs a field name, got ${JSON.stringify(field)}`)
    if (!OPERATORS.includes(operator as Operator)) throw invalidInput(`${key}.${field}: unknown operator ${JSON.stringify(operator)} (expected one of ${OPERATORS.join(', ')})`)
    const listed = operator === 'in' || operator === 'not-in'
    const ok = listed ? Array.isArray(value) && value.every(isScalar) : isScalar(value)
    if (!ok) throw invalidInput(`${key}.${field}.${operator}: expected ${listed ? 'a list of strings, numbers or booleans' : 'a string, number or boolean'}, got ${JSON.stringify(value)}`)
    return { field, operator: operator as Operator, value: value as Scalar | Scalar[] }
  })
}

/** Whether one record's metadata meets every condition. */
export function matches(metadata: Record<string, unknown> | null, conditions: Condition[]): boolean {
  for (const { field, operator, value } of conditions) {
    const has = metadata !== null && Object.hasOwn(metadata, field) && metadata[field] !== null
    const actual = has ? metadata![field] : undefined
    if (!meets(has, actual, operator, value)) return false
  }
  return true
}

function meets(has: boolean, actual: unknown, operator: Operator, value: Scalar | Scalar[]): boolean {
  if (operator === 'neq') return !has || actual !== value
  if (operator === 'not-in') return !has || !(value as Scalar[]).includes(actual as Scalar)
  if (!has) return false
  if (operator === 'eq') return actual === value
  if (operator === 'in') return (value as Scalar[]).includes(actual as Scalar)
  // Ranges compare numbers with numbers and strings with strings (ISO dates order as text).
  if (typeof actual !== typeof value || (typeof actual !== 'number' && typeof actual !== 'string')) return false
  const a = actual as number | string
  const b = value as number | string
  return operator === 'gt' ? a > b : operator === 'gte' ? a >= b : operator === 'lt' ? a < b : a <= b
}

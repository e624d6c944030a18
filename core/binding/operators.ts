// The comparison operators of `if` conditions and `filter` predicates
// (model-compose's ConditionOperator). Values compare as a user reads them:
// a number and numeric text compare as numbers, a boolean and "true"/"false"
// as booleans, since inputs often arrive as text (forms, query strings).

import { Type } from '@sinclair/typebox'

export const OPERATORS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'not-in', 'starts-with', 'ends-with', 'match'] as const
export type Operator = (typeof OPERATORS)[number]

export const OperatorSchema = Type.Union(
  OPERATORS.map((op) => Type.Literal(op)),
  { errorMessage: `expected an operator: ${OPERATORS.join(', ')}` },
)

/** Thrown when two values cannot be compared that way; the job fails with it. */
export class ComparisonError extends Error {}

export function compare(operator: Operator, input: unknown, value: unknown): boolean {
  switch (operator) {
    case 'eq':
      return looselyEqual(input, value)
    case 'neq':
      return !looselyEqual(input, value)
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return order(operator, input, value)
    case 'in':
      return contains(value, input, operator)
    case 'not-in':
      return !contains(value, input, operator)
    case 'starts-with':
      return text(input, operator).startsWith(text(value, operator))
    case 'ends-with':
      return text(input, operator).endsWith(text(value, operator))
    case 'match':
      // As Python's re.match: the pattern must match at the start of the text.
      return regex(text(value, operator)).test(text(input, operator))
  }
}

/** The pattern as a RegExp anchored at the start; a bad one throws a ComparisonError. */
export function regex(pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})`, 'u')
  } catch (error) {
    throw new ComparisonError(`bad regular expression "${pattern}": ${(error as Error).message}`)
  }
}

/** A `match` pattern written in the file (no binding) is checked when it loads: `fail` gets what is wrong. */
export function checkPattern(pattern: unknown, fail: (message: string) => never): void {
  if (typeof pattern !== 'string' || pattern.includes('${')) return
  try {
    regex(pattern)
  } catch (error) {
    fail((error as Error).message)
  }
}

export function looselyEqual(a: unknown, b: unknown): boolean {
  ;[a, b] = alike(a, b)
  if (a === b) return true
  if (a === null || b === null || a === undefined || b === undefined || typeof a !== 'object' || typeof b !== 'object') return false
  return JSON.stringify(a) === JSON.stringify(b)
}

/** Numeric text next to a number becomes a number; "true"/"false" next to a boolean a boolean. */
function alike(a: unknown, b: unknown): [unknown, unknown] {
  const numeric = (v: unknown) => typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))
  if (typeof a === 'number' && numeric(b)) return [a, Number(b)]
  if (typeof b === 'number' && numeric(a)) return [Number(a), b]
  const bool = (v: unknown) => (v === 'true' ? true : v === 'false' ? false : v)
  if (typeof a === 'boolean') return [a, bool(b)]
  if (typeof b === 'boolean') return [bool(a), b]
  return [a ?? null, b ?? null]
}

function order(operator: 'gt' | 'gte' | 'lt' | 'lte', input: unknown, value: unknown): boolean {
  const [a, b] = alike(input, value)
  if (!((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string'))) {
    throw new ComparisonError(`cannot compare ${describe(input)} ${operator} ${describe(value)}`)
  }
  if (operator === 'gt') return a > b
  if (operator === 'gte') return a >= b
  if (operator === 'lt') return a < b
  return a <= b
}

function contains(container: unknown, item: unknown, operator: string): boolean {
  if (Array.isArray(container)) return container.some((member) => looselyEqual(member, item))
  if (typeof container === 'string') return container.includes(text(item, operator))
  if (container !== null && typeof container === 'object') return typeof item === 'string' && Object.hasOwn(container, item)
  throw new ComparisonError(`"${operator}" needs a list, a text or an object to look in, got ${describe(container)}`)
}

function text(value: unknown, operator: string): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  throw new ComparisonError(`"${operator}" compares text, got ${describe(value)}`)
}

function describe(value: unknown): string {
  return value === undefined ? 'null' : (JSON.stringify(value)?.slice(0, 60) ?? String(value))
}

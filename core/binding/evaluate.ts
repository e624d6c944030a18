// Evaluates a parsed expression against a scope. A missing step of a path
// yields null, never an exception.

import type { Expr, PathStep, Ref } from './ast.ts'

/**
 * What bindings can see: `input`, `env`, `jobs`, `output`, `response`, ...
 * The current chunk of a stream under key `k` is stored under `k[]`.
 */
export type Scope = Record<string, unknown>

export function chunkSlot(key: string): string {
  return `${key}[]`
}

export function lookup(scope: Scope, ref: Ref): unknown {
  let value = scope[ref.chunk ? chunkSlot(ref.key) : ref.key]
  // Names and indexes step by step (the path of most bindings); the rest in resolvePath.
  for (let i = 0; i < ref.path.length; i++) {
    const step = ref.path[i]!
    if (typeof step === 'object') return resolvePath(value, ref.path, scope, i)
    value = stepInto(value, step)
  }
  return value ?? null
}

/** Follows `path` from step `from` on; `[*]` takes the rest of the path in each item. */
function resolvePath(value: unknown, path: readonly PathStep[], scope: Scope, from: number): unknown {
  for (let i = from; i < path.length; i++) {
    const step = path[i]!
    if (typeof step !== 'object') value = stepInto(value, step)
    else if (step.kind === 'each') return Array.isArray(value) ? value.map((item) => resolvePath(item, path, scope, i + 1)) : null
    else if (step.kind === 'slice') value = Array.isArray(value) ? value.slice(step.start, step.end) : null
    else {
      const key = lookup(scope, step)
      value = typeof key === 'string' || typeof key === 'number' ? stepInto(value, key) : null
    }
  }
  return value ?? null
}

/** One `.name` or `[index]` step; a negative index counts from the end of a list. */
export function stepInto(value: unknown, step: string | number): unknown {
  if (value === null || value === undefined || typeof value !== 'object') return null
  if (typeof step === 'number' && step < 0) return Array.isArray(value) ? (value.at(step) ?? null) : null
  const next = (value as Record<string | number, unknown>)[step]
  return next === undefined ? null : next
}

export function evaluate(expr: Expr, scope: Scope): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value
    case 'ref':
      return lookup(scope, expr)
    case 'not':
      return !truthy(evaluate(expr.operand, scope))
    case 'binary': {
      if (expr.op === '&&') {
        const left = evaluate(expr.left, scope)
        return truthy(left) ? evaluate(expr.right, scope) : left
      }
      if (expr.op === '||') {
        const left = evaluate(expr.left, scope)
        return truthy(left) ? left : evaluate(expr.right, scope)
      }
      return compare(expr.op, evaluate(expr.left, scope), evaluate(expr.right, scope))
    }
  }
}

/** Truthiness as a user reads a condition: "false", "0" and "" are false too. */
export function truthy(value: unknown): boolean {
  if (typeof value === 'string') {
    const t = value.trim().toLowerCase()
    return t !== '' && t !== 'false' && t !== '0' && t !== 'no' && t !== 'off'
  }
  if (Array.isArray(value)) return value.length > 0
  return Boolean(value)
}

function compare(op: string, a: unknown, b: unknown): boolean {
  // A number compared with a numeric string compares as numbers ("3" == 3),
  // a boolean with "true"/"false" as booleans: inputs often arrive as text.
  if (typeof a === 'number' && typeof b === 'string' && b.trim() !== '' && !isNaN(Number(b))) b = Number(b)
  if (typeof b === 'number' && typeof a === 'string' && a.trim() !== '' && !isNaN(Number(a))) a = Number(a)
  if (typeof a === 'boolean' && typeof b === 'string') b = b === 'true' ? true : b === 'false' ? false : b
  if (typeof b === 'boolean' && typeof a === 'string') a = a === 'true' ? true : a === 'false' ? false : a
  switch (op) {
    case '==':
      return equal(a, b)
    case '!=':
      return !equal(a, b)
  }
  if (a === null || b === null || typeof a !== typeof b) return false
  const x = a as number | string
  const y = b as number | string
  switch (op) {
    case '<':
      return x < y
    case '<=':
      return x <= y
    case '>':
      return x > y
    default:
      return x >= y
  }
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false
  return JSON.stringify(a) === JSON.stringify(b)
}

// What the template compiler (template.ts) shares with the YAML-level operators
// it hands mappings and lists to (transforms.ts, condition.ts): a compiled piece
// is a closure from a scope to a value, built once at load.

import type { Scope } from './evaluate.ts'

export type Render = (scope: Scope) => unknown

/** What a `"?"` that takes no branch yields: the mapping holding it leaves its key out. */
export const OMIT = Symbol('omit')

/** A template error carrying the offset in the string and the path in the value. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly path: (string | number)[],
    readonly offset: number,
  ) {
    super(message)
  }
}

export interface Compiling {
  /** Compiles `value`, one step below the current place; `offset`: where a string's text starts in the file's. */
  at(step: string | number, value: unknown, offset?: number): Render
  /** Runs `fn` one step below the current place (for the parts of an operator that are not templates). */
  within<T>(step: string | number, fn: () => T): T
  /** A load error at the current place. */
  error(message: string): TemplateError
}

const CONSTANT = Symbol('constant')

export function constant(value: unknown): Render {
  return Object.assign(() => value, { [CONSTANT]: true })
}

export function isConstant(render: Render): boolean {
  return CONSTANT in render
}

/** A mapping as YAML and JSON make them (not a list, bytes, a stream or a class instance). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** The key of a mapping that has exactly one (`{"?": ...}`, `{"+": ...}`). */
export function soleKey(entries: Record<string, unknown>): string | undefined {
  const keys = Object.keys(entries)
  return keys.length === 1 ? keys[0] : undefined
}

/** Rejects a key an operator does not know, naming the ones it does. */
export function checkKeys(entries: Record<string, unknown>, known: readonly string[], what: string, c: Compiling): void {
  for (const key of Object.keys(entries)) {
    if (!known.includes(key)) throw c.within(key, () => c.error(`unknown key "${key}" in ${what} (keys: ${known.join(', ')})`))
  }
}

/** The scope a map or split renders one item in: `${item}` and `${index}` are that item's. */
export function itemScope(scope: Scope, item: unknown, index: number): Scope {
  const inner: Scope = Object.create(scope)
  inner.item = item
  inner.index = index
  return inner
}

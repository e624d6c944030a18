// Where a path of a binding leaves the value it reads: `${response.mesage.content}`
// on a reply `{"message": ...}` stops at `mesage`, a key the mapping lacks.
// model-compose gives null there and says nothing; core/workflow/reply-paths.ts
// decides what mc says.

import type { Ref } from './ast.ts'
import type { Scope } from './evaluate.ts'
import { isPlainObject } from './compiling.ts'

export interface MissingStep {
  /** The path read up to the missing key, and that key: `response.mesage`. */
  path: string
  key: string
  /** The keys the mapping has, to suggest from. */
  keys: string[]
  /** The path up to the mapping (`response`), for a suggestion. */
  parent: string
}

/** The first key of `ref`'s path that a mapping on the way does not have; undefined when the path is there (or stops at a null, a list or a computed step). */
export function missingStep(scope: Scope, ref: Ref): MissingStep | undefined {
  let value = scope[ref.key]
  let parent = ref.key
  for (const step of ref.path) {
    if (typeof step === 'object') return undefined
    if (typeof step === 'number') {
      if (!Array.isArray(value)) return undefined
      value = value.at(step)
      parent += `[${step}]`
      continue
    }
    if (!isPlainObject(value)) return undefined
    if (!Object.hasOwn(value, step)) return { path: `${parent}.${step}`, key: step, keys: Object.keys(value), parent }
    value = value[step]
    parent += `.${step}`
  }
  return undefined
}

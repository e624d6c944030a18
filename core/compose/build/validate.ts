// Pass 5: checks values against TypeBox schemas. Numeric and boolean text
// (what `${env.PORT}` gives) is converted first; the first problem is reported
// with its file:line:col and key path.

import type { TSchema } from '@sinclair/typebox'
import { Value, ValueErrorType } from '@sinclair/typebox/value'
import { ComposeError } from '../../model/compose-error.ts'
import { copyPlaces, keyPathFrom, placeAtPath, placeOf } from '../../model/places.ts'

/**
 * Returns `value` converted to `schema`'s types, or throws a ComposeError.
 * `root` and `path` locate `value` in the file, for messages.
 */
export function validate<T = unknown>(schema: TSchema, value: unknown, root: unknown, path: (string | number)[], options: { templates?: boolean } = {}): T {
  // Convert may change objects in place: work on a copy, which then gets the places of the original.
  const converted = Value.Convert(schema, Value.Clone(value))
  keepPlaces(value, converted)
  // With `templates`, a value holding `\${...}` is checked when it is rendered, not now.
  let error
  for (const candidate of Value.Errors(schema, converted)) {
    if (options.templates && typeof candidate.value === 'string' && candidate.value.includes('${')) continue
    error = candidate
    break
  }
  if (!error) return converted as T
  const steps = error.path
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s))
  const fullPath = [...path, ...steps]
  const keyPath = keyPathFrom(root, fullPath)
  const custom = (error.schema as { errorMessage?: string }).errorMessage
  if (error.type === ValueErrorType.ObjectAdditionalProperties) {
    const parent = walk(converted, steps.slice(0, -1))
    const key = steps[steps.length - 1]!
    throw new ComposeError(`unknown key "${key}"`, placeOf(parent, key, 'key') ?? placeAtPath(root, fullPath), keyPath)
  }
  if (error.type === ValueErrorType.ObjectRequiredProperty) {
    throw new ComposeError('is required', placeAtPath(root, fullPath), keyPath)
  }
  const got = error.value === undefined ? '' : `, got ${JSON.stringify(error.value)?.slice(0, 60)}`
  throw new ComposeError(`${custom ?? error.message.replace(/^Expected/, 'expected')}${got}`, placeAtPath(root, fullPath), keyPath)
}

function walk(value: unknown, steps: (string | number)[]): unknown {
  let node = value
  for (const step of steps) node = (node as Record<string | number, unknown> | undefined)?.[step]
  return node
}

/** Value.Convert copies objects; the copies keep the places of the originals. */
function keepPlaces(from: unknown, to: unknown): void {
  if (from === to || typeof from !== 'object' || from === null || typeof to !== 'object' || to === null) return
  copyPlaces(from, to)
  for (const key of Object.keys(from)) keepPlaces((from as Record<string, unknown>)[key], (to as Record<string, unknown>)[key])
}

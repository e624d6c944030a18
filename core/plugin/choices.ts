// A value that must be one of a few words (a driver, a method): as the file
// writes it, a load-time error at its key; as a binding rendered it, the
// request's fault, a 422 naming the key.

import { invalidInput } from '../errors.ts'
import { ConfigurationError } from '../model/component-plugin.ts'

/** At load: `value` is one of `choices`, else a ConfigurationError at `key` (a binding is the caller's to skip). */
export function checkChoice(value: unknown, choices: readonly string[], key: string): void {
  if (!choices.includes(value as string)) throw new ConfigurationError(`expected ${choices.join(', ')}, got "${value}"`, [key])
}

/** At run: the rendered `value` as one of `choices`, else a 422 naming `key`. */
export function choiceOf<T extends string>(value: unknown, choices: readonly T[], key: string): T {
  if (!(choices as readonly unknown[]).includes(value)) throw invalidInput(`${key}: expected ${choices.join(', ')}, got ${JSON.stringify(value)}`)
  return value as T
}

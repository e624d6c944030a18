// The values of a rendered web-browser action, read as model-compose reads
// them (a flag may be "true", a number "300"); a bad one is a 422 naming its key.

import { invalidInput, toText, wholeNumberOf } from '../../core/plugin/api.ts'
import type { BrowserAction } from './schema.ts'

/** A value given at all: not null, undefined or empty text. */
export const given = (value: unknown): boolean => value !== undefined && value !== null && value !== ''

export function textOf(value: unknown, key: string, method: string): string {
  if (!given(value)) throw invalidInput(`${key}: must be specified for '${method}' method`)
  return toText(value)
}

/** A whole number, or null when not given. */
export const wholeOf = (value: unknown, key: string): number | null => (given(value) ? wholeNumberOf(value, key) : null)

export function choiceOf<T extends string>(value: unknown, choices: readonly T[], key: string, fallback: T): T {
  if (!given(value)) return fallback
  const text = toText(value)
  if (!(choices as readonly string[]).includes(text)) throw invalidInput(`${key}: expected one of ${choices.join(', ')}, got ${JSON.stringify(text)}`)
  return text as T
}

/** An element to act on: a playwright-core locator and how messages name it. */
export interface Target {
  locator: string
  label: string
}

/** `selector` (as playwright reads it, CSS by default) or `xpath`, never both; undefined when neither. */
export function targetOf(action: BrowserAction): Target | undefined {
  const selector = given(action.selector) ? action.selector : undefined
  const xpath = given(action.xpath) ? action.xpath : undefined
  if (selector !== undefined && xpath !== undefined) throw invalidInput("Only one of 'selector' or 'xpath' can be provided.")
  if (selector !== undefined) return { locator: toText(selector), label: `selector ${JSON.stringify(toText(selector))}` }
  if (xpath !== undefined) return { locator: `xpath=${toText(xpath)}`, label: `xpath ${JSON.stringify(toText(xpath))}` }
  return undefined
}

export function requiredTarget(action: BrowserAction): Target {
  const target = targetOf(action)
  if (!target) throw invalidInput("Either 'selector' or 'xpath' must be provided.")
  return target
}

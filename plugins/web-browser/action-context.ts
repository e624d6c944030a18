// What every web-browser action is given, and the failures they share: a
// wait that ran out (504 naming what was awaited), a result past the size cap.

import { errors, type Page } from 'playwright-core'
import { describeBytes, raisedBytes, upstreamFailed, upstreamTimedOut } from '../../core/plugin/api.ts'

export interface ActionContext {
  page: Page
  method: string
  timeoutMs: number
  /** The most bytes a result (text, markup, a screenshot, a value) may take: MC_MAX_RESPONSE_BYTES. */
  maxBytes: number
  /** The job's input, handed to an `evaluate` expression that is a function. */
  input: unknown
  allowFileUrls: boolean
  driver: 'chrome' | 'playwright'
}

export const isTimeout = (error: unknown): boolean => error instanceof errors.TimeoutError

/** The 504 for a wait that ran out: "wait-for: selector "#x" was not visible within 2s". */
export function timedOut(context: ActionContext, what: string): Error {
  return upstreamTimedOut(`${context.method}: ${what} within ${context.timeoutMs / 1000}s`)
}

export function tooLarge(context: ActionContext, bytes: number): Error {
  return upstreamFailed(
    `${context.method}: the result is ${describeBytes(bytes)}, more than ${describeBytes(context.maxBytes)}, the most mc holds (MC_MAX_RESPONSE_BYTES); raise it, e.g. -e MC_MAX_RESPONSE_BYTES=${raisedBytes(context.maxBytes)}`,
  )
}

/**
 * Runs in the page (self-contained: playwright-core sends its source): a value
 * with its size as JSON in UTF-8, so one past the cap never leaves the browser.
 */
export function sizedInPage(value: unknown, max: number): Sized {
  const json = JSON.stringify(value)
  const bytes = json === undefined ? 0 : new TextEncoder().encode(json).length
  return bytes > max ? { tooLarge: bytes } : { value }
}

export interface Sized {
  value?: unknown
  tooLarge?: number
}

/** What sizedInPage gave back: the value, or the 502 saying it was too large. */
export function unsized(context: ActionContext, sized: Sized): unknown {
  if (sized.tooLarge !== undefined) throw tooLarge(context, sized.tooLarge)
  return sized.value ?? null
}

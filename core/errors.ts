// Errors a user sees. Each carries what to say in one line and, for the HTTP
// API, the status it answers with.

import { redact } from './secrets.ts'

/** A value that cannot take the type a binding asks for (`as integer`, `select/a,b`, ...): it came from the input, so 422. */
export class ConversionError extends Error {}

/** An error with an HTTP status: 400 bad request, 404, 422 bad input, 502/504 upstream, 503 busy (with a Retry-After). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message)
  }
}

/** What model-compose has and mc does not, said one way everywhere: `"X" is a model-compose <kind> that mc does not have (mc has: ...)`. */
export function notInMc(kind: string, name: string, has: readonly string[]): string {
  return `"${name}" is a model-compose ${kind} that mc does not have (mc has: ${has.join(', ')})`
}

export const badRequest = (message: string) => new HttpError(400, message)
export const notFound = (message: string) => new HttpError(404, message)
export const invalidInput = (message: string) => new HttpError(422, message)
export const upstreamFailed = (message: string) => new HttpError(502, message)
export const upstreamTimedOut = (message: string) => new HttpError(504, message)

/** How long a client told "busy" waits before asking again. */
export const BUSY_RETRY_AFTER_SECONDS = 5
/** mc has no room for this now (a cap on runs, bodies, sessions): 503, try again after a while. */
export const busy = (message: string) => new HttpError(503, message, BUSY_RETRY_AFTER_SECONDS)

export function statusOf(error: unknown): number {
  if (error instanceof HttpError) return error.status
  // A value that cannot take the type a binding asks for came from the input.
  if (error instanceof ConversionError) return 422
  return 500
}

/** What an error says, secrets masked: every answer and log line is built from this. */
export function messageOf(error: unknown): string {
  return redact(error instanceof Error ? error.message : String(error))
}

/** "path.to[0].key" from path steps. */
export function formatKeyPath(path: (string | number)[]): string {
  let out = ''
  for (const step of path) out += typeof step === 'number' ? `[${step}]` : out ? `.${step}` : step
  return out
}

/** Where in the compose file, and in which job and component, a run-time error happened. */
export interface ErrorWhere {
  /** `compose.yml:12:15`: the binding or key that failed. */
  place?: string
  job?: string
  component?: string
}

const WHERE = Symbol('where')
type Noted = Error & { [WHERE]?: ErrorWhere & { base: string } }

/**
 * Adds to a run-time error's message where it happened: ` at compose.yml:12:15 (job X, component Y)`.
 * What is known first (the innermost job, component or binding) stays.
 */
export function noteWhere(error: unknown, where: ErrorWhere): void {
  if (!(error instanceof Error)) return
  const noted = error as Noted
  const known = noted[WHERE] ?? { base: noted.message }
  if (where.place && !known.place) known.place = where.place
  // A message that already names its job or component (`at job "publish"`) is not told again.
  if (where.job && !known.job && !known.base.includes(`job "${where.job}"`)) known.job = where.job
  if (where.component && !known.component && !known.base.includes(`component "${where.component}"`)) known.component = where.component
  noted[WHERE] = known
  const ids = [known.job && `job ${known.job}`, known.component && `component ${known.component}`].filter(Boolean)
  noted.message = `${known.base}${known.place ? ` at ${known.place}` : ''}${ids.length ? ` (${ids.join(', ')})` : ''}`
}

/** ` (did you mean X?)` when one of `candidates` is a likely typo of `name`, else ''. */
export function didYouMean(name: string, candidates: Iterable<string>, prefix = ''): string {
  const best = closest(name, candidates)
  return best === undefined ? '' : ` (did you mean ${prefix}${best}?)`
}

/** The candidate nearest `name` by edit distance, when near enough to be a typo (a third of its length, at least 1). */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(name.length / 3))
  let best: string | undefined
  let bestDistance = limit + 1
  for (const candidate of candidates) {
    if (candidate === name || Math.abs(candidate.length - name.length) > limit) continue
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance]
  }
  return best
}

/** Levenshtein distance, adjacent swaps counting one (`promt`/`prmopt`); names are short. */
function editDistance(a: string, b: string): number {
  if (a.length > 200 || b.length > 200) return Infinity
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1)
      d[i]![j] = v
    }
  }
  return d[a.length]![b.length]!
}

// model-compose's `rate_limit` of an http-client: one limit for all the
// component's actions and runs, in this process. `requests` per `period` (a
// token bucket holding `burst` tokens, `requests` by default: that many go at
// once, then one every period/requests) and/or `interval`, the least time
// between two requests. "10/s" or "100/1m" is short for {requests, period}.
// As in model-compose, a call past the limit waits for its turn (turns go in
// the order calls come); unlike it, the wait is cancellable with its run and
// bounded: a turn further than MAX_WAIT_MS away is a 503 at once, with Retry-After.

import { ConfigurationError, Duration, HttpError, sleep, toMilliseconds, Type, type Static } from '../../core/plugin/api.ts'

const SHORTHAND = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)?\s*(ms|s|m|h|d)\s*$/
const Count = Type.Integer({ minimum: 1, errorMessage: 'expected a whole number above 0' })

export const RateLimitSchema = Type.Union(
  [
    Type.String({ pattern: SHORTHAND.source }),
    Type.Object({ requests: Type.Optional(Count), period: Type.Optional(Duration), burst: Type.Optional(Count), interval: Type.Optional(Duration) }, { additionalProperties: false }),
  ],
  { errorMessage: 'expected "<requests>/<duration>" such as "10/s" or "100/1m", or {requests, period, burst, interval}' },
)

export type RateLimitSetting = Static<typeof RateLimitSchema>

export interface RateLimit {
  /** Requests per period, with the bucket's size. */
  bucket?: { requests: number; periodMs: number; burst: number }
  intervalMs?: number
}

/** The longest a call waits for its turn. */
export const MAX_WAIT_MS = 5 * 60_000

/** The limit a `rate_limit` says, checked as model-compose checks it (ConfigurationError at the key). */
export function rateLimitOf(setting: RateLimitSetting): RateLimit {
  const at = (key: string) => ['rate_limit', key]
  if (typeof setting === 'string') {
    const [, requests, amount, unit] = SHORTHAND.exec(setting)!
    const periodMs = toMilliseconds(`${amount ?? 1}${unit}`)
    if (!(periodMs > 0)) throw new ConfigurationError('expected a period above 0', ['rate_limit'])
    return { bucket: { requests: Number(requests), periodMs, burst: Number(requests) } }
  }
  const { requests, period, burst, interval } = setting
  if (requests === undefined && interval === undefined) throw new ConfigurationError('needs "requests" or "interval" (or both)', ['rate_limit'])
  if (requests === undefined && period !== undefined) throw new ConfigurationError('is meaningless without "requests"', at('period'))
  if (requests === undefined && burst !== undefined) throw new ConfigurationError('is meaningless without "requests"', at('burst'))
  const periodMs = period === undefined ? 1000 : toMilliseconds(period)
  if (!(periodMs > 0)) throw new ConfigurationError('expected a duration above 0', at('period'))
  const intervalMs = interval === undefined ? undefined : toMilliseconds(interval)
  if (intervalMs !== undefined && !(intervalMs > 0)) throw new ConfigurationError('expected a duration above 0', at('interval'))
  return {
    ...(requests !== undefined ? { bucket: { requests, periodMs, burst: burst ?? requests } } : {}),
    ...(intervalMs !== undefined ? { intervalMs } : {}),
  }
}

/** A call's turn: how long it waits, and how to give it back when it will not go (cancelled). */
export interface Turn {
  delayMs: number
  giveBack(): void
}

export class RateLimiter {
  private tokens: number
  private refilledAt: number
  private nextAllowedAt = Number.NEGATIVE_INFINITY

  constructor(
    private readonly limit: RateLimit,
    private readonly describe: string,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = limit.bucket?.burst ?? 0
    this.refilledAt = now()
  }

  /** Takes the next turn (tokens may go below 0: later calls queue behind), or throws 503 when it is too far away. */
  reserve(): Turn {
    const { bucket, intervalMs } = this.limit
    const now = this.now()
    let tokenAt = now
    let tokens = this.tokens
    if (bucket) {
      const perMs = bucket.requests / bucket.periodMs
      tokens = Math.min(bucket.burst, tokens + (now - this.refilledAt) * perMs) - 1
      tokenAt = now + Math.max(0, -tokens / perMs)
    }
    const sendAt = intervalMs === undefined ? tokenAt : Math.max(tokenAt, this.nextAllowedAt)
    const delayMs = sendAt - now
    if (delayMs > MAX_WAIT_MS) {
      const seconds = Math.ceil(Math.round(delayMs) / 1000)
      throw new HttpError(503, `${this.describe}: its rate_limit has no turn free for ${seconds} s, more than the ${MAX_WAIT_MS / 1000} s a call waits; try again later`, seconds)
    }
    this.tokens = tokens
    this.refilledAt = now
    if (intervalMs !== undefined) this.nextAllowedAt = sendAt + intervalMs
    let given = false
    return {
      delayMs,
      giveBack: () => {
        if (given) return
        given = true
        if (bucket) this.tokens += 1
        // The latest turn given back: the next may take its time.
        if (intervalMs !== undefined && this.nextAllowedAt === sendAt + intervalMs) this.nextAllowedAt = sendAt
      },
    }
  }

  /** Waits for the next turn; a run cancelled meanwhile gives it back and rejects with the signal's reason. */
  async acquire(signal: AbortSignal): Promise<void> {
    const turn = this.reserve()
    if (turn.delayMs <= 0) return
    try {
      await sleep(turn.delayMs, signal)
    } catch (error) {
      turn.giveBack()
      throw error
    }
  }
}

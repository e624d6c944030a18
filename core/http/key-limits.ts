// The limits of one named API key, counted in this process: requests per
// minute (a token bucket: a full minute's worth may come at once, then one
// every 60/N seconds) and runs in progress at once. Its state is a few numbers
// per configured key, whatever clients send. Several mc processes behind one
// balancer each count their own.

import { HttpError } from '../errors.ts'

export interface KeyLimits {
  requestsPerMinute?: number
  concurrentRuns?: number
}

/** How long a client refused for too many runs at once waits before asking again: runs end at any time. */
const RUNS_RETRY_AFTER_SECONDS = 1

export const tooManyRequests = (message: string, retryAfterSeconds: number) => new HttpError(429, message, retryAfterSeconds)

export class KeyLimiter {
  private tokens: number
  private refilledAt: number
  private runs = 0

  constructor(
    private readonly name: string,
    readonly limits: KeyLimits,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = limits.requestsPerMinute ?? 0
    this.refilledAt = now()
  }

  /** Counts a request: undefined when it may pass, else the seconds until it would (for Retry-After). */
  takeRequest(): number | undefined {
    const perMinute = this.limits.requestsPerMinute
    if (perMinute === undefined) return undefined
    const now = this.now()
    const perMs = perMinute / 60_000
    this.tokens = Math.min(perMinute, this.tokens + (now - this.refilledAt) * perMs)
    this.refilledAt = now
    if (this.tokens >= 1) {
      this.tokens -= 1
      return undefined
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / perMs / 1000))
  }

  /** Takes a place for a run, or throws 429; the returned function gives it back (once). */
  takeRun(): () => void {
    const most = this.limits.concurrentRuns
    if (most !== undefined && this.runs >= most) {
      throw tooManyRequests(`API key "${this.name}" has ${this.runs} runs in progress, its limit (concurrent_runs); try again when one ends`, RUNS_RETRY_AFTER_SECONDS)
    }
    this.runs++
    let released = false
    return () => {
      if (released) return
      released = true
      this.runs--
    }
  }
}

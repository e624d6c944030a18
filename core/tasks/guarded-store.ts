// The task store as the controller uses it: when the backend fails (Redis
// down or at maxmemory, a full disk), every call fails with a 503 that names
// the store and says to try again, instead of an "unexpected" 500 with a stack
// trace; and the outage is logged once per interval, not once per run.

import { BUSY_RETRY_AFTER_SECONDS, HttpError, messageOf } from '../errors.ts'
import type { Logger } from '../log.ts'
import type { TaskStore } from './store/task-store.ts'

/** An outage is reported at most this often, with the count of failures since. */
const OUTAGE_REPORT_EVERY_MS = 10_000

export class StoreUnavailable extends HttpError {
  constructor(kind: string, cause: unknown) {
    super(503, `the task store (${kind}) is unavailable: ${messageOf(cause)}`, BUSY_RETRY_AFTER_SECONDS)
  }
}

/** Reports failures of one store: the first at once, then at most one line per interval. */
class OutageReport {
  private lastReport = Number.NEGATIVE_INFINITY
  private unreported = 0

  constructor(
    private readonly log: Logger,
    private readonly kind: string,
  ) {}

  failed(cause: unknown): void {
    this.unreported++
    const now = performance.now()
    if (now - this.lastReport < OUTAGE_REPORT_EVERY_MS) return
    const more = this.unreported > 1 ? ` (${this.unreported} failed calls since the last report)` : ''
    this.log.error(`the task store (${this.kind}) is unavailable: ${messageOf(cause)}${more}`)
    this.lastReport = now
    this.unreported = 0
  }
}

export function guardStore(store: TaskStore, log: Logger): TaskStore {
  const report = new OutageReport(log, store.kind)
  const fail = (cause: unknown): never => {
    if (cause instanceof HttpError) throw cause
    report.failed(cause)
    throw new StoreUnavailable(store.kind, cause)
  }
  // Each method is wrapped once: the store is called for every recorded batch and every follower's read.
  const guarded = new Map<PropertyKey, (...args: unknown[]) => unknown>()
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver)
      if (typeof value !== 'function' || key === 'close') return value
      let method = guarded.get(key)
      if (!method) {
        method = (...args: unknown[]) => {
          let result: unknown
          try {
            result = (value as (...a: unknown[]) => unknown).apply(target, args)
          } catch (error) {
            return fail(error)
          }
          return result instanceof Promise ? result.catch(fail) : result
        }
        guarded.set(key, method)
      }
      return method
    },
  })
}

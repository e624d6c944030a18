// A counting semaphore with FIFO queues: excess callers wait their turn rather
// than being turned away. A waiter whose signal fires leaves the queue.
// Low-priority waiters (background runs) are served only when no other waits,
// so runs nobody waits for never hold up runs somebody does.

export type Release = () => void

interface Waiter {
  grant: (release: Release) => void
  signal?: AbortSignal
  onAbort: () => void
}

export class Semaphore {
  private active = 0
  private readonly waiting: Waiter[] = []
  private readonly waitingLow: Waiter[] = []

  /** `limit` 0 means unlimited. */
  constructor(private readonly limit: number) {}

  get queued(): number {
    return this.waiting.length + this.waitingLow.length
  }

  acquire(signal?: AbortSignal, low = false): Promise<Release> {
    if (signal?.aborted) return Promise.reject(signal.reason)
    // A free slot is taken at once — by a low-priority caller only when nobody else waits for it.
    if (this.limit === 0 || (this.active < this.limit && (!low || this.waiting.length === 0))) {
      this.active++
      return Promise.resolve(this.releaser())
    }
    const queue = low ? this.waitingLow : this.waiting
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = {
        grant: resolve,
        ...(signal ? { signal } : {}),
        onAbort: () => {
          const at = queue.indexOf(waiter)
          if (at >= 0) queue.splice(at, 1)
          reject(signal?.reason)
        },
      }
      signal?.addEventListener('abort', waiter.onAbort, { once: true })
      queue.push(waiter)
    })
  }

  /** A release function that frees the slot once, however often it is called. */
  private releaser(): Release {
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.waiting.shift() ?? this.waitingLow.shift()
      if (next) {
        next.signal?.removeEventListener('abort', next.onAbort)
        next.grant(this.releaser())
      } else this.active--
    }
  }
}

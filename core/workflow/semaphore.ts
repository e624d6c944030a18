// A counting semaphore with a FIFO queue: excess callers wait their turn rather
// than being turned away. A waiter whose signal fires leaves the queue.

export type Release = () => void

export class Semaphore {
  private active = 0
  private readonly waiting: { grant: (release: Release) => void; signal?: AbortSignal; onAbort: () => void }[] = []

  /** `limit` 0 means unlimited. */
  constructor(private readonly limit: number) {}

  get queued(): number {
    return this.waiting.length
  }

  acquire(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(signal.reason)
    if (this.limit === 0 || this.active < this.limit) {
      this.active++
      return Promise.resolve(this.releaser())
    }
    return new Promise<Release>((resolve, reject) => {
      const waiter = {
        grant: resolve,
        ...(signal ? { signal } : {}),
        onAbort: () => {
          const at = this.waiting.indexOf(waiter)
          if (at >= 0) this.waiting.splice(at, 1)
          reject(signal?.reason)
        },
      }
      signal?.addEventListener('abort', waiter.onAbort, { once: true })
      this.waiting.push(waiter)
    })
  }

  /** A release function that frees the slot once, however often it is called. */
  private releaser(): Release {
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.waiting.shift()
      if (next) {
        next.signal?.removeEventListener('abort', next.onAbort)
        next.grant(this.releaser())
      } else this.active--
    }
  }
}

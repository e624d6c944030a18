// The readers waiting in waitForChange, by task: each store wakes them at once
// for its own writes, and for what it learns of other processes' writes (by
// polling sqlite, by pub/sub on Redis). A wake-up is a hint to read again.

export class ChangeWaiters {
  private readonly byTask = new Map<string, Set<() => void>>()

  /** How many tasks someone waits on. */
  get size(): number {
    return this.byTask.size
  }

  tasks(): IterableIterator<string> {
    return this.byTask.keys()
  }

  /**
   * Registers a waiter at once (so a wake between here and the caller's own
   * check is not missed); resolves on wake, timeout or abort.
   */
  wait(id: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve()
      let waiting = this.byTask.get(id)
      if (!waiting) this.byTask.set(id, (waiting = new Set()))
      const set = waiting
      const done = () => {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        set.delete(done)
        if (set.size === 0 && this.byTask.get(id) === set) this.byTask.delete(id)
        resolve()
      }
      const timer = setTimeout(done, timeoutMs)
      signal.addEventListener('abort', done, { once: true })
      set.add(done)
    })
  }

  wake(id: string): void {
    const waiting = this.byTask.get(id)
    if (!waiting) return
    this.byTask.delete(id)
    for (const done of waiting) done()
  }

  wakeAll(): void {
    for (const id of [...this.byTask.keys()]) this.wake(id)
  }
}

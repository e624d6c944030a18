// Task-store writes, timed for observers that want their latency (metrics):
// not spans, since they serve many runs at once (a batch of events).

import { currentObservers, observing } from './observers.ts'

export type StoreWrite = 'create' | 'start' | 'mark_streamed' | 'append_events' | 'finish'

/**
 * Starts timing one write: call the function it returns once the write
 * landed (or failed). Undefined when nobody observes.
 */
export function storeWriteTimer(operation: StoreWrite): ((ok: boolean) => void) | undefined {
  if (!observing()) return undefined
  const started = performance.now()
  return (ok) => {
    const seconds = (performance.now() - started) / 1000
    for (const observer of currentObservers()) {
      try {
        observer.onStoreWrite?.(operation, seconds, ok)
      } catch {
        // dropped (observers.ts)
      }
    }
  }
}

/** Awaits `write`, telling observers how long it took (and whether it failed). */
export function timedStoreWrite<T>(operation: StoreWrite, write: Promise<T>): Promise<T> {
  const done = storeWriteTimer(operation)
  if (!done) return write
  return write.then(
    (value) => {
      done(true)
      return value
    },
    (error) => {
      done(false)
      throw error
    },
  )
}

// The sqlite store's task writes (create, start, finish…) of one turn of the
// event loop, run in one transaction committed in setImmediate. With
// thousands of runs at once, a transaction per write (its BEGIN and COMMIT, a
// WAL write each) took a third of mc's CPU samples on
// test/bench/many-streams.ts; one per turn is shared by every run that wrote
// in it. Each write's promise settles once its transaction committed, with
// what the write returned or threw (a write that throws, as a constraint does,
// undoes only its own statement: the others stand).

import { commitOpenTurns } from './sqlite-recording.ts'

interface QueuedWrite {
  work: () => unknown
  done: PromiseWithResolvers<unknown>
}

export class TurnWrites {
  private queued: QueuedWrite[] = []

  constructor(
    /** Runs a function in one immediate transaction (bun:sqlite's `transaction(…).immediate`). */
    private readonly inTransaction: (work: () => void) => void,
    /** Called after each commit. */
    private readonly afterCommit: () => void,
  ) {}

  write<T>(work: () => T): Promise<T> {
    const done = Promise.withResolvers<unknown>()
    if (this.queued.push({ work, done }) === 1) setImmediate(() => this.flush())
    return done.promise as Promise<T>
  }

  /** Runs and commits the queued writes now (the store flushes them when it closes). */
  flush(): void {
    const queued = this.queued
    if (queued.length === 0) return
    this.queued = []
    const outcomes: { threw: boolean; value: unknown }[] = []
    try {
      // The turn's appends commit first: a finish never lands ahead of its task's last events.
      commitOpenTurns()
      this.inTransaction(() => {
        for (const { work } of queued) {
          try {
            outcomes.push({ threw: false, value: work() })
          } catch (error) {
            outcomes.push({ threw: true, value: error })
          }
        }
      })
    } catch (error) {
      for (const { done } of queued) done.reject(error)
      return
    }
    queued.forEach(({ done }, i) => (outcomes[i]!.threw ? done.reject(outcomes[i]!.value) : done.resolve(outcomes[i]!.value)))
    this.afterCommit()
  }
}

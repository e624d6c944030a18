// The tasks this process is running now, by id: what a cancel (from a client,
// or from another process through the store) stops, what a client following a
// stream counts itself on (a grace period ends when nobody follows), and what
// a stopping server interrupts and waits for.

import type { LiveRun } from './live-run.ts'

export interface LiveTask {
  /** Ends the run now with `reason` as its error. */
  cancel(reason: string): void
  /** Set once its output turned out to stream. */
  live?: LiveRun
  /** Resolves once its outcome is stored. */
  readonly settled: Promise<void>
  /** Waiting for a human's answer (interrupted), it stays so in the store and lets go here; false when it does not wait. */
  park?(): boolean
}

export class LiveTasks {
  private readonly tasks = new Map<string, LiveTask>()

  add(id: string, task: LiveTask): void {
    this.tasks.set(id, task)
    void task.settled.finally(() => {
      if (this.tasks.get(id) === task) this.tasks.delete(id)
    })
  }

  get(id: string): LiveTask | undefined {
    return this.tasks.get(id)
  }

  /** Cancels the task when this process runs it; false when it does not. */
  cancel(id: string, reason: string): boolean {
    const task = this.tasks.get(id)
    task?.cancel(reason)
    return task !== undefined
  }

  /**
   * Cancels every run with `reason` and waits (at most `waitMs`) for their
   * outcomes to be stored; a run waiting for a human's answer stays interrupted.
   */
  async interruptAll(reason: string, waitMs: number): Promise<void> {
    const settled = [...this.tasks.values()].map((task) => {
      if (!task.park?.()) task.cancel(reason)
      return task.settled
    })
    let timer: Timer | undefined
    await Promise.race([Promise.allSettled(settled), new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))])
    clearTimeout(timer)
  }
}

// A task's run waiting at its jobs' interrupt points, one point at a time (a
// second point reached meanwhile — parallel runs — waits for the first to be
// answered). At a point the task becomes `interrupted` in the store with what
// a resume anywhere needs: the workflow, its input, the point, and the run's
// journal (core/workflow/run-journal.ts) when it fits in MC_TASK_STREAM_BYTES.
// The run then waits here, as long as it takes, for one of: an answer given
// in this process (resume-task.ts), the run's end (a cancel, the server
// stopping), or the store saying another process took the task over (it
// resumed it, replaying the journal) or finished it — then this run lets go.

import { messageOf } from '../errors.ts'
import type { Logger } from '../log.ts'
import { instanceId } from '../tasks/store/instance-id.ts'
import type { InterruptPoint, TaskStore } from '../tasks/store/task-store.ts'
import type { JournalEntry, RunJournal } from '../workflow/run-journal.ts'
import type { TaskSession } from '../workflow/run-scope.ts'

/** What an interrupted task keeps in the store for its resume. */
export interface SuspendedRun {
  workflow_id: string
  input: unknown
  /** The point's key within the run (interrupt.ts). */
  key: string
  /** Null when it was larger than MC_TASK_STREAM_BYTES: only this process can resume it. */
  journal: [string, JournalEntry][] | null
}

export interface TaskInterruptsOptions {
  id: string
  workflowId: string
  input: unknown
  store: TaskStore
  log: Logger
  /** The most a journal may take in the store (MC_TASK_STREAM_BYTES). */
  journalBytes: number
  /** The run's signal: aborted, the wait ends. */
  signal: AbortSignal
  /** The run lets go of its controller slot while it waits, and takes one again to go on. */
  onWait(): void
  onGoOn(): Promise<void>
  /** Another process resumed or finished the task: this run is no longer the task's. */
  onTakenElsewhere(): void
}

/** How long a wait on the store lasts before it looks again. */
const WATCH_MS = 15_000

export class TaskInterrupts implements TaskSession {
  private turn: Promise<unknown> = Promise.resolve()
  private waiting: { key: string; point: InterruptPoint; answer: PromiseWithResolvers<unknown> } | undefined
  private readonly listeners = new Set<(point: InterruptPoint) => void>()

  constructor(
    readonly journal: RunJournal,
    private readonly options: TaskInterruptsOptions,
  ) {}

  ask(point: InterruptPoint, key: string): Promise<unknown> {
    const mine = this.turn.then(() => this.wait(point, key))
    this.turn = mine.catch(() => {})
    return mine
  }

  /** Resolves at the next point the run waits at. */
  reached(): Promise<InterruptPoint> {
    return new Promise((resolve) => {
      const listener = (point: InterruptPoint) => {
        this.listeners.delete(listener)
        resolve(point)
      }
      this.listeners.add(listener)
    })
  }

  /** Where the run waits in this process, if it does. */
  get point(): InterruptPoint | undefined {
    return this.waiting?.point
  }

  /** Gives the waiting run its answer; false when it waits at no point. */
  answer(value: unknown): boolean {
    if (!this.waiting) return false
    this.waiting.answer.resolve(value)
    return true
  }

  private async wait(point: InterruptPoint, key: string): Promise<unknown> {
    const { id, store, signal } = this.options
    signal.throwIfAborted()
    if (!(await store.interrupt(id, point, this.suspended(key)))) throw new Error(`task "${id}" could not wait at job "${point.job_id}": it is no longer running`)
    const answer = Promise.withResolvers<unknown>()
    this.waiting = { key, point, answer }
    this.options.onWait()
    const stopWatching = new AbortController()
    const onAbort = () => answer.reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    for (const listener of [...this.listeners]) listener(point)
    void this.watch(answer, stopWatching.signal)
    try {
      const value = await answer.promise
      await this.options.onGoOn()
      return value
    } finally {
      this.waiting = undefined
      stopWatching.abort()
      signal.removeEventListener('abort', onAbort)
    }
  }

  /** The state kept with the task: its journal only when it fits. */
  private suspended(key: string): string {
    const { workflowId, input, journalBytes, id, log } = this.options
    const state: SuspendedRun = { workflow_id: workflowId, input, key, journal: this.journal.toJSON() }
    const text = JSON.stringify(state)
    if (Buffer.byteLength(text) <= journalBytes) return text
    log.warn(`task ${id}: what its run produced so far is beyond MC_TASK_STREAM_BYTES (${journalBytes} bytes): it is not kept, so only this process can resume the task`)
    return JSON.stringify({ ...state, journal: null })
  }

  /** Follows the task in the store while it waits: another process may resume or finish it. */
  private async watch(answer: PromiseWithResolvers<unknown>, stop: AbortSignal): Promise<void> {
    const { id, store } = this.options
    try {
      while (!stop.aborted) {
        await store.waitForChange(id, Number.MAX_SAFE_INTEGER, WATCH_MS, stop)
        if (stop.aborted) return
        const task = await store.get(id)
        if (task?.status === 'interrupted' || (task?.status === 'processing' && task.owner === instanceId())) continue
        answer.reject(new Error(`task "${id}" was taken over in the task store`))
        this.options.onTakenElsewhere()
        return
      }
    } catch (error) {
      if (!stop.aborted) this.options.log.debug(`task ${id}: following it in the task store failed: ${messageOf(error)}`)
    }
  }
}

// A task's run waiting at its jobs' interrupt points, one point at a time (a
// second point reached meanwhile — parallel runs — waits for the first to be
// answered). At a point the task becomes `interrupted` in the store with what
// a resume anywhere needs: the workflow, its input, the point, and the run's
// journal (core/workflow/run-journal.ts) when it fits in MC_TASK_STREAM_BYTES.
// The run then waits here, as long as it takes, for one of: an answer given
// in this process (resume-task.ts), the run's end (a cancel, the server
// stopping), or the store saying another process took the task over (it
// resumed it, replaying the journal) or finished it — then this run lets go.
// While it waits the run stands aside from MC_MAX_RUNS (run-admission.ts) and
// is held among the waiting runs (waiting-runs.ts), which may park it: it lets
// go too, and a resume replays it from the journal.

import { busy, HttpError, messageOf } from '../errors.ts'
import type { Logger } from '../log.ts'
import { instanceId } from '../tasks/store/instance-id.ts'
import type { InterruptPoint, TaskStore } from '../tasks/store/task-store.ts'
import type { JournalEntry, RunJournal } from '../workflow/run-journal.ts'
import type { TaskSession } from '../workflow/run-scope.ts'
import type { RunAdmission, StandingAside } from './run-admission.ts'
import type { HeldRun } from './waiting-runs.ts'

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
  /** This run is no longer the task's (another process resumed or finished it, or it was parked): it ends without an outcome. */
  onTakenElsewhere(): void
  /** Where the run was admitted (as a background run or not): it stands aside while it waits. */
  admission: RunAdmission
  background: boolean
}

interface Waiting {
  key: string
  point: InterruptPoint
  answer: PromiseWithResolvers<unknown>
  aside: StandingAside
  /** Lets go of its place among the waiting runs. */
  leave: () => void
  /** Resumes under way (resume-task.ts): while there are, the run is not parked. */
  claims: number
}

/** How long a wait on the store lasts before it looks again. */
const WATCH_MS = 15_000

export class TaskInterrupts implements TaskSession, HeldRun {
  private turn: Promise<unknown> = Promise.resolve()
  private waiting: Waiting | undefined
  /** The journal of the point it waits at is in the store. */
  private journalKept = false
  private parked = false
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

  get parkable(): boolean {
    return this.journalKept && !this.parked && (this.waiting?.claims ?? 0) === 0
  }

  /** Drops the run from memory (waiting-runs.ts), once it waits: its task stays interrupted, a resume replays it. */
  park(): void {
    this.parked = true
    this.options.log.info(`task ${this.options.id}: parked (MC_MAX_WAITING_INTERRUPTS runs wait for an answer in memory): it waits in the task store, and a resume replays it from its journal`)
    if (this.waiting) this.letGo(new Error('parked: the task waits in the store'))
  }

  /**
   * A resume of the run waiting here takes it back: it counts again under
   * MC_MAX_RUNS (503 when full: it stays aside) and is not parked meanwhile.
   * Undefined when it waits at no point here; the function returned undoes
   * the claim for a resume that lost (the task was not resumed by it).
   */
  claim(): (() => void) | undefined {
    const waiting = this.waiting
    if (!waiting || this.parked) return undefined
    if (waiting.claims === 0) waiting.aside.comeBack()
    waiting.claims++
    let undone = false
    return () => {
      if (undone) return
      undone = true
      if (--waiting.claims === 0 && this.waiting === waiting) waiting.aside = this.options.admission.standAside(this.options.background)
    }
  }

  /** Gives the waiting run its answer; false when it waits at no point. */
  answer(value: unknown): boolean {
    if (!this.waiting) return false
    this.waiting.leave()
    this.waiting.answer.resolve(value)
    this.waiting = undefined
    return true
  }

  private async wait(point: InterruptPoint, key: string): Promise<unknown> {
    const { id, store, signal, admission, background } = this.options
    signal.throwIfAborted()
    const state = this.suspended(key)
    this.journalKept = state.kept
    // Held first: refused there, the task fails before it shows as interrupted.
    const leave = this.hold(point)
    try {
      if (!(await store.interrupt(id, point, state.text))) throw new Error(`task "${id}" could not wait at job "${point.job_id}": it is no longer running`)
    } catch (error) {
      leave()
      throw error
    }
    const answer = Promise.withResolvers<unknown>()
    const waiting: Waiting = { key, point, answer, aside: admission.standAside(background), leave, claims: 0 }
    this.waiting = waiting
    this.options.onWait()
    const stopWatching = new AbortController()
    const onAbort = () => answer.reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    for (const listener of [...this.listeners]) listener(point)
    void this.watch(stopWatching.signal)
    // Parked while it was being stored (or as it came: beyond the bound, it was the one to park).
    if (this.parked) this.letGo(new Error('parked: the task waits in the store'))
    try {
      const value = await answer.promise
      await this.options.onGoOn()
      return value
    } finally {
      if (this.waiting === waiting) this.waiting = undefined
      leave()
      waiting.aside.end()
      stopWatching.abort()
      signal.removeEventListener('abort', onAbort)
    }
  }

  private hold(point: InterruptPoint): () => void {
    try {
      return this.options.admission.waiting.hold(this)
    } catch (error) {
      if (!(error instanceof HttpError)) throw error
      throw busy(`task "${this.options.id}" cannot wait at job "${point.job_id}": ${error.message}`)
    }
  }

  /** The run ends here without an outcome: the task is no longer this run's. */
  private letGo(reason: Error): void {
    this.waiting?.answer.reject(reason)
    this.waiting = undefined
    this.options.onTakenElsewhere()
  }

  /** The state kept with the task: its journal only when it fits. */
  private suspended(key: string): { text: string; kept: boolean } {
    const { workflowId, input, journalBytes, id, log } = this.options
    const state: SuspendedRun = { workflow_id: workflowId, input, key, journal: this.journal.toJSON() }
    const text = JSON.stringify(state)
    if (Buffer.byteLength(text) <= journalBytes) return { text, kept: true }
    log.warn(`task ${id}: what its run produced so far is beyond MC_TASK_STREAM_BYTES (${journalBytes} bytes): it is not kept, so only this process can resume the task`)
    return { text: JSON.stringify({ ...state, journal: null }), kept: false }
  }

  /** Follows the task in the store while it waits: another process may resume or finish it. */
  private async watch(stop: AbortSignal): Promise<void> {
    const { id, store } = this.options
    try {
      while (!stop.aborted) {
        await store.waitForChange(id, Number.MAX_SAFE_INTEGER, WATCH_MS, stop)
        if (stop.aborted) return
        const task = await store.get(id)
        if (task?.status === 'interrupted' || (task?.status === 'processing' && task.owner === instanceId())) continue
        return this.letGo(new Error(`task "${id}" was taken over in the task store`))
      }
    } catch (error) {
      if (!stop.aborted) this.options.log.debug(`task ${id}: following it in the task store failed: ${messageOf(error)}`)
    }
  }
}

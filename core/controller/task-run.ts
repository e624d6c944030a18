// One workflow run as a task of this process: created in the store, run in a
// slot of `max_concurrent_count`, its outcome stored once. It can be cancelled
// (LiveTasks) at any point: the run's signal is aborted and the task fails at
// once with the reason. A run whose output streams hands it to a LiveRun,
// whose end settles the task. A run may wait at its jobs' interrupt points
// (task-interrupts.ts), its slot given back meanwhile.

import { ulid } from 'ulid'
import type { WorkflowModel } from '../model/compose-model.ts'
import { messageOf } from '../errors.ts'
import type { Logger } from '../log.ts'
import type { Runtime } from '../runtime/runtime.ts'
import type { CollectedOutput } from '../stream/collected-output.ts'
import type { Stream } from '../stream/stream.ts'
import type { SseFormat } from '../http/sse.ts'
import { instanceId } from '../tasks/store/instance-id.ts'
import type { LiveRun } from '../tasks/live-run.ts'
import type { LiveTask, LiveTasks } from '../tasks/live-tasks.ts'
import { writeOutcome } from '../tasks/outcome-writer.ts'
import { recordedRun } from '../tasks/recorded-run.ts'
import type { InterruptPoint, TaskOutcome, TaskStore } from '../tasks/store/task-store.ts'
import { RunJournal } from '../workflow/run-journal.ts'
import { inSession } from '../workflow/run-scope.ts'
import type { Release, Semaphore } from '../workflow/semaphore.ts'
import type { RunAdmission } from './run-admission.ts'
import { TaskInterrupts } from './task-interrupts.ts'
import { inSpan, startSpan } from '../observe/current-span.ts'
import type { Span, SpanAttributes } from '../observe/span.ts'
import { timedStoreWrite } from '../observe/store-writes.ts'

export interface TaskRunContext {
  runtime: Runtime
  store: TaskStore
  live: LiveTasks
  /** The controller's `max_concurrent_count`: runs beyond it wait their turn. */
  slots: Semaphore
  log: Logger
  /** The most an interrupted task's journal keeps in the store (MC_TASK_STREAM_BYTES; 8 MiB when not given). */
  journalBytes?: number
  /** Where its run was admitted: it stands aside while it waits for a human (task-interrupts.ts). */
  admission: RunAdmission
}

const DEFAULT_JOURNAL_BYTES = 8 * 1024 * 1024

export class TaskRun implements LiveTask {
  live?: LiveRun
  private readonly abort = new AbortController()
  private readonly outcome = Promise.withResolvers<void>()
  private release: Release | undefined
  private finishing = false
  private cancelReason: string | undefined
  /** Its interrupt points (set once it starts). */
  interrupts?: TaskInterrupts
  /** Its `run` span (core/observe/): from its creation to its outcome. */
  readonly span: Span

  private constructor(
    readonly id: string,
    readonly workflow: WorkflowModel,
    /** Nobody waits for it: it yields components' slots to runs somebody waits for. */
    private readonly background: boolean,
    private readonly context: TaskRunContext,
    /** What its run produced so far (a resumed run starts with what the store kept). */
    private readonly journal = new RunJournal(),
    /** What its span is about besides the workflow and task, e.g. the API key's name. */
    attributes: SpanAttributes = {},
  ) {
    this.span = startSpan('run', workflow.id, { ...attributes, 'workflow.id': workflow.id, 'task.id': id })
  }

  /** A new task (pending) in the store, cancellable from here on. `attributes` go on its span (`api_key.name`). */
  static async create(workflow: WorkflowModel, background: boolean, context: TaskRunContext, attributes?: SpanAttributes): Promise<TaskRun> {
    const run = new TaskRun(ulid(), workflow, background, context, undefined, attributes)
    try {
      await timedStoreWrite('create', context.store.create({ task_id: run.id, workflow_id: workflow.id, owner: instanceId() }))
    } catch (error) {
      run.span.set('task.refused', true) // no task: the client hears why, the store's outage is logged once (guarded-store.ts)
      run.span.end('error', error)
      throw error
    }
    context.live.add(run.id, run)
    return run
  }

  /** An interrupted task this process resumed (resume-task.ts): its run replays `journal` up to the answered point. */
  static resumed(id: string, workflow: WorkflowModel, journal: RunJournal, context: TaskRunContext): TaskRun {
    const run = new TaskRun(id, workflow, true, context, journal)
    context.live.add(id, run)
    return run
  }

  get settled(): Promise<void> {
    return this.outcome.promise
  }

  /** Why it was cancelled, once it was. */
  get cancelled(): string | undefined {
    return this.cancelReason
  }

  /** Waits for a slot, then runs the workflow: its output, which may be a stream. */
  async start(input: unknown): Promise<unknown> {
    // Set at once: a caller may wait for its first interrupt point (interrupted()) right after calling start.
    this.interrupts = this.interruptsOf(input)
    const release = await this.context.slots.acquire(this.abort.signal)
    if (this.finishing) {
      release()
      throw new Error(this.cancelReason ?? 'cancelled')
    }
    this.release = release
    await timedStoreWrite('start', this.context.store.start(this.id))
    // The task's own id: a run dispatched to queue workers carries it in its message.
    return inSpan(this.span, () => inSession(this.interrupts!, () => this.context.runtime.run(this.workflow, input, this.abort.signal, { taskId: this.id, background: this.background })))
  }

  /** Where its run waits at interrupt points: its controller slot given back meanwhile. */
  private interruptsOf(input: unknown): TaskInterrupts {
    const { store, log, journalBytes, slots, admission } = this.context
    return new TaskInterrupts(this.journal, {
      admission,
      background: this.background,
      id: this.id,
      workflowId: this.workflow.id,
      input,
      store,
      log,
      journalBytes: journalBytes ?? DEFAULT_JOURNAL_BYTES,
      signal: this.abort.signal,
      onWait: () => {
        this.release?.()
        this.release = undefined
      },
      onGoOn: async () => {
        this.release = await slots.acquire(this.abort.signal)
      },
      onTakenElsewhere: () => {
        this.handOver()
        this.abort.abort(new Error('taken over'))
      },
    })
  }

  /** Resolves when the run waits at an interrupt point. */
  interrupted(): Promise<InterruptPoint> {
    return this.interrupts ? this.interrupts.reached() : new Promise(() => {})
  }

  /** Waiting at an interrupt, it is left as it is in the store (the server stops): it lets go here without an outcome. */
  park(): boolean {
    if (this.interrupts?.point === undefined) return false
    this.handOver()
    this.abort.abort(new Error('parked'))
    return true
  }

  /** Its output streams: a LiveRun reads it (recording its events), and its end settles the task. */
  async stream(chunks: Stream, format: SseFormat, collected?: CollectedOutput): Promise<LiveRun> {
    await timedStoreWrite('mark_streamed', this.context.store.markStreamed(this.id))
    this.span.event('stream')
    const { store, log } = this.context
    const live = recordedRun({
      store,
      taskId: this.id,
      log,
      span: this.span,
      chunks,
      format,
      abort: (reason) => this.abort.abort(reason),
      ...(collected ? { collected } : {}),
      complete: (output, truncated) => this.complete(output, truncated),
      fail: (error) => this.fail(error),
    })
    this.live = live
    // Cancelled while the stream was being set up.
    if (this.cancelReason !== undefined) live.cancel(this.cancelReason)
    return live
  }

  /**
   * Another process claimed the task and runs it on (a queue worker sharing
   * the store, core/queue/worker/claimed-task.ts): this one lets go of it, slot and
   * all, without storing an outcome. Its clients follow it from the store.
   */
  handOver(): void {
    if (this.finishing) return
    this.finishing = true
    this.release?.()
    this.span.set('task.handed_over', true)
    this.span.end('ok')
    this.outcome.resolve()
  }

  cancel(reason: string): void {
    if (this.finishing) return
    this.cancelReason ??= reason
    if (this.live) return this.live.cancel(reason)
    this.abort.abort(new Error(reason))
    void this.fail(reason)
  }

  /** `truncated`: the output is the start of a longer stream (MC_TASK_OUTPUT_BYTES). */
  complete(output: unknown, truncated = false): Promise<void> {
    return this.finish({ status: 'completed', output, ...(truncated ? { output_truncated: true as const } : {}) })
  }

  /** Fails the task; after a cancel its error is the cancel's reason, whatever the run threw. */
  fail(error: unknown): Promise<void> {
    return this.finish({ status: 'failed', error: this.cancelReason ?? messageOf(error) })
  }

  /** The task's outcome as it was stored (the first one wins; a store that refuses it is retried: outcome-writer.ts). */
  private async finish(outcome: TaskOutcome): Promise<void> {
    if (this.finishing) return this.outcome.promise
    this.finishing = true
    this.release?.()
    // Its signal aborted before it finished: it was cancelled (its client left, a cancel was asked).
    const cancelled = this.cancelReason !== undefined || this.abort.signal.aborted
    // The run is over: abort its signal so nothing it started lingers.
    this.abort.abort(new Error('run finished'))
    if (outcome.status === 'completed') this.span.end('ok')
    else this.span.end(cancelled ? 'cancelled' : 'error', outcome.error)
    try {
      await writeOutcome(this.context.store, this.id, outcome, this.context.log)
    } finally {
      this.outcome.resolve()
    }
  }
}

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
import { TaskInterrupts } from './task-interrupts.ts'

export interface TaskRunContext {
  runtime: Runtime
  store: TaskStore
  live: LiveTasks
  /** The controller's `max_concurrent_count`: runs beyond it wait their turn. */
  slots: Semaphore
  log: Logger
  /** The most an interrupted task's journal keeps in the store (MC_TASK_STREAM_BYTES; 8 MiB when not given). */
  journalBytes?: number
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

  private constructor(
    readonly id: string,
    readonly workflow: WorkflowModel,
    /** Nobody waits for it: it yields components' slots to runs somebody waits for. */
    private readonly background: boolean,
    private readonly context: TaskRunContext,
    /** What its run produced so far (a resumed run starts with what the store kept). */
    private readonly journal = new RunJournal(),
  ) {}

  /** A new task (pending) in the store, cancellable from here on. */
  static async create(workflow: WorkflowModel, background: boolean, context: TaskRunContext): Promise<TaskRun> {
    const run = new TaskRun(ulid(), workflow, background, context)
    await context.store.create({ task_id: run.id, workflow_id: workflow.id, owner: instanceId() })
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
    await this.context.store.start(this.id)
    // The task's own id: a run dispatched to queue workers carries it in its message.
    return inSession(this.interrupts, () => this.context.runtime.run(this.workflow, input, this.abort.signal, { taskId: this.id, background: this.background }))
  }

  /** Where its run waits at interrupt points: its controller slot given back meanwhile. */
  private interruptsOf(input: unknown): TaskInterrupts {
    const { store, log, journalBytes, slots } = this.context
    return new TaskInterrupts(this.journal, {
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
    await this.context.store.markStreamed(this.id)
    const { store, log } = this.context
    const live = recordedRun({
      store,
      taskId: this.id,
      log,
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
    // The run is over: abort its signal so nothing it started lingers.
    this.abort.abort(new Error('run finished'))
    try {
      await writeOutcome(this.context.store, this.id, outcome, this.context.log)
    } finally {
      this.outcome.resolve()
    }
  }
}

// A task a worker runs that an mc entry point created in a task store this
// worker shares (Redis): the worker claims it (it becomes the task's owner, so
// the entry point may stop or restart without failing it), stores its outcome,
// and records a streamed output's events itself, as the entry point would
// have. Clients of any entry point then follow the task from the store. The
// output it keeps of a stream is bounded as the controller's is
// (MC_TASK_OUTPUT_BYTES): past it, the rest streams on uncollected and the
// outcome says `output_truncated`.

import { messageOf } from '../../errors.ts'
import type { Logger } from '../../log.ts'
import { collectedOutput } from '../../stream/collected-output.ts'
import { type Stream } from '../../stream/stream.ts'
import type { SseFormat } from '../../http/sse.ts'
import { instanceId } from '../../tasks/store/instance-id.ts'
import { recordedRun } from '../../tasks/recorded-run.ts'
import { writeOutcome } from '../../tasks/outcome-writer.ts'
import type { TaskStore } from '../../tasks/store/task-store.ts'

export class ClaimedTask {
  private constructor(
    private readonly store: TaskStore,
    readonly id: string,
    private readonly log: Logger,
  ) {}

  /** The task, now this process's; undefined when the store does not know it unfinished (a model-compose producer's, or another store's). */
  static async claim(store: TaskStore, id: string, log: Logger): Promise<ClaimedTask | undefined> {
    try {
      return (await store.claim(id, instanceId())) ? new ClaimedTask(store, id, log) : undefined
    } catch (error) {
      log.warn(`task ${id}: could not claim it in the task store (its entry point records it): ${messageOf(error)}`)
      return undefined
    }
  }

  complete(output: unknown, truncated = false): Promise<void> {
    return writeOutcome(this.store, this.id, { status: 'completed', output, ...(truncated ? { output_truncated: true as const } : {}) }, this.log)
  }

  fail(error: string): Promise<void> {
    return writeOutcome(this.store, this.id, { status: 'failed', error }, this.log)
  }

  /** Marks the output as a stream: call before telling the entry point, which then reads it from the store. */
  markStreamed(): Promise<void> {
    return this.store.markStreamed(this.id)
  }

  /**
   * Reads the stream to its end, recording its events; its collected output
   * (up to `maxOutputBytes`) becomes the task's. Aborting `signal` ends it with
   * an `error` event saying why.
   */
  async record(chunks: Stream, format: SseFormat, signal: AbortSignal, maxOutputBytes: number): Promise<void> {
    const live = recordedRun({
      store: this.store,
      taskId: this.id,
      log: this.log,
      chunks,
      format,
      // Only `signal` cancels it, and that already stopped the run's work.
      abort: () => {},
      collected: collectedOutput(chunks, maxOutputBytes),
      complete: (output, truncated) => this.complete(output, truncated),
      fail: (error) => this.fail(error),
    })
    const onAbort = () => live.cancel(messageOf(signal.reason))
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
    try {
      await live.readToEnd()
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
  }
}

// A task's streamed output as it runs in this process, wherever it runs (a
// controller's TaskRun, a queue worker's ClaimedTask): a LiveRun whose events
// are recorded in the store and whose end settles the task — completed with
// the output collected on the way (when one is collected), or failed.

import type { Logger } from '../log.ts'
import type { CollectedOutput } from '../stream/collected-output.ts'
import type { Stream } from '../stream/stream.ts'
import type { SseFormat } from '../http/sse.ts'
import { LiveRun } from './live-run.ts'
import { Recorder } from './recorder.ts'
import type { TaskStore } from './store/task-store.ts'
import type { Span } from '../observe/span.ts'

export interface RecordedRunOptions {
  store: TaskStore
  taskId: string
  log: Logger
  chunks: Stream
  format: SseFormat
  /** Stops the run's work. */
  abort: (reason: Error) => void
  /** Gathers the output the task keeps; without it the task's output is null (its events are its output). */
  collected?: CollectedOutput
  complete(output: unknown, truncated: boolean): Promise<void>
  fail(error: string): Promise<void>
  /** The run's span: its chunks are counted there. */
  span?: Span
}

export function recordedRun({ store, taskId, log, chunks, format, abort, collected, complete, fail, span }: RecordedRunOptions): LiveRun {
  return new LiveRun({
    chunks,
    format,
    recorder: new Recorder(store, taskId, log),
    abort,
    onEnd: (failure) => (failure === undefined ? complete(collected ? collected.value() : null, collected?.truncated ?? false) : fail(failure)),
    ...(collected ? { onChunk: (chunk: unknown) => collected.add(chunk) } : {}),
    ...(span?.recording ? { span } : {}),
  })
}

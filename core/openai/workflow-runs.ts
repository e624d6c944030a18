// What the OpenAI front needs of the controller's runs, as an interface the
// controller implements (core/controller/openai-runs.ts): its runs go through
// the same admission, task store and slots as `POST /workflows/runs`, and the
// controller mounts the front without the two folders importing each other.

import type { WorkflowModel } from '../model/compose-model.ts'
import type { SseFormat } from '../http/sse.ts'
import type { Stream } from '../stream/stream.ts'
import type { LiveRun } from '../tasks/live-run.ts'

/** A waited run that reached its output: a stream not yet read, or a value not yet stored. */
export interface StartedRun {
  id: string
  output: unknown
  /** Stores a value output as the task's. */
  complete(): Promise<void>
  /** Reads a stream output through the task's LiveRun (recorded as any run's). */
  stream(chunks: Stream, format: SseFormat): Promise<LiveRun>
  cancel(reason: string): void
}

export interface WorkflowRuns {
  /** Runs the workflow as a waited task for `request` (its API key's limits hold; its client going away before the output cancels it); throws what the run threw. */
  start(workflow: WorkflowModel, input: unknown, request: Request): Promise<StartedRun>
  /** Seconds without a chunk before a keep-alive comment, in ms (MC_SSE_KEEPALIVE_SECONDS). */
  keepAliveMs: number
  /** Bytes of an answer gathered whole (MC_TASK_OUTPUT_BYTES). */
  outputBytes: number
}

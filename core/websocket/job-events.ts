// model-compose's `job_event` messages: each job of a task a client follows
// goes out as `started`, then `completed` (with its output), `routed` (a
// routing job's choice: `next_job_id`), `failed` or `cancelled`, with the
// seconds it took. They come from the observation layer's job spans
// (core/observe/), whose parent run span names the task; the layer observes,
// and job outputs are kept beside their spans (core/trace/payloads.ts), only
// while a WebSocket client is connected: spans cost nothing otherwise. An
// event is written once, only when a connection follows its task.
//
// `run_id` is what resume_task's `run_id` takes: for a component job with
// repeat_count > 1 the ids of its runs ("0", "1", …), else null (mc has no
// per-action run ids).

import { addObserver, durationSeconds, type Span } from '../observe/index.ts'
import { payloadOf, wantPayloads } from '../trace/payloads.ts'
import type { SocketConnection } from './connection.ts'
import { frame } from './envelope.ts'
import { jobOutput } from './job-output.ts'

type JobEventName = 'started' | 'completed' | 'routed' | 'failed' | 'cancelled'

/** The connections that may want job events; observing while there is one. */
export class JobEvents {
  private readonly connections = new Set<SocketConnection>()
  private stop: (() => void) | undefined

  /** `maxOutputBytes`: MC_WS_JOB_OUTPUT_BYTES. */
  constructor(private readonly maxOutputBytes: number) {}

  add(connection: SocketConnection): void {
    this.connections.add(connection)
    if (this.stop) return
    const stopObserving = addObserver({
      onStart: (span) => this.tell(span, 'started'),
      onEnd: (span) => this.tell(span, endEvent(span)),
    })
    const stopKeeping = wantPayloads()
    this.stop = () => {
      stopObserving()
      stopKeeping()
    }
  }

  remove(connection: SocketConnection): void {
    this.connections.delete(connection)
    if (this.connections.size > 0) return
    this.stop?.()
    this.stop = undefined
  }

  private tell(span: Span, event: JobEventName): void {
    if (span.kind !== 'job') return
    const taskId = taskIdOf(span)
    if (taskId === undefined) return
    let text: string | undefined
    for (const connection of this.connections) {
      if (!connection.isFollowing(taskId)) continue
      text ??= this.text(span, taskId, event)
      connection.send(text)
    }
  }

  private text(span: Span, taskId: string, event: JobEventName): string {
    const runCount = span.attributes['job.run_count']
    const data: Record<string, unknown> = {
      task_id: taskId,
      run_id: typeof runCount === 'number' && event !== 'started' ? Array.from({ length: runCount }, (_, i) => String(i)) : null,
      workflow_id: span.attributes['workflow.id'],
      job_id: span.attributes['job.id'] ?? span.name,
      event,
      elapsed: event === 'started' ? null : durationSeconds(span),
    }
    if (event === 'failed' && span.error !== undefined) data.error = span.error
    if (event === 'routed') data.next_job_id = span.attributes['job.next_job_id']
    if (event !== 'completed') return frame('job_event', undefined, data)
    const output = jobOutput(payloadOf(span, 'output'), this.maxOutputBytes)
    if ('omitted' in output) return frame('job_event', undefined, { ...data, output: null, output_omitted: output.omitted })
    try {
      return frame('job_event', undefined, { ...data, output: output.output })
    } catch {
      // A value JSON cannot write (model-compose sends null for those too).
      return frame('job_event', undefined, { ...data, output: null, output_omitted: 'not JSON' })
    }
  }
}

function endEvent(span: Span): JobEventName {
  if (span.status === 'cancelled') return 'cancelled'
  if (span.status !== 'ok') return 'failed'
  return span.attributes['job.next_job_id'] === undefined ? 'completed' : 'routed'
}

/** The task a job runs in: its run span's, the nearest one up (a tool's workflow nests in its caller's run). */
function taskIdOf(span: Span): string | undefined {
  for (let at = span.parent; at; at = at.parent) if (at.kind === 'run') return at.attributes['task.id']
  return undefined
}

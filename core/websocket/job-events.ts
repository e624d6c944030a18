// model-compose's `job_event` messages: each job of a task a client follows
// goes out as `started`, then `completed`, `failed` or `cancelled` with the
// seconds it took. They come from the observation layer's job spans
// (core/observe/), whose parent run span names the task; so the layer observes
// only while a WebSocket client is connected (spans cost nothing otherwise).
// What a span does not carry is left out: a job's output, model-compose's
// `run_id`, and `routed` events.

import { addObserver, durationSeconds, type Span } from '../observe/index.ts'
import type { SocketConnection } from './connection.ts'
import { frame } from './envelope.ts'

/** The connections that may want job events; observing while there is one. */
export class JobEvents {
  private readonly connections = new Set<SocketConnection>()
  private stopObserving: (() => void) | undefined

  add(connection: SocketConnection): void {
    this.connections.add(connection)
    this.stopObserving ??= addObserver({
      onStart: (span) => this.tell(span, 'started'),
      onEnd: (span) => this.tell(span, span.status === 'ok' ? 'completed' : span.status === 'cancelled' ? 'cancelled' : 'failed'),
    })
  }

  remove(connection: SocketConnection): void {
    this.connections.delete(connection)
    if (this.connections.size > 0) return
    this.stopObserving?.()
    this.stopObserving = undefined
  }

  private tell(span: Span, event: 'started' | 'completed' | 'failed' | 'cancelled'): void {
    if (span.kind !== 'job') return
    const taskId = taskIdOf(span)
    if (taskId === undefined) return
    let text: string | undefined
    for (const connection of this.connections) {
      if (!connection.isFollowing(taskId)) continue
      text ??= frame('job_event', undefined, {
        task_id: taskId,
        workflow_id: span.attributes['workflow.id'],
        job_id: span.attributes['job.id'] ?? span.name,
        event,
        elapsed: event === 'started' ? null : durationSeconds(span),
        ...(event === 'failed' && span.error !== undefined ? { error: span.error } : {}),
      })
      connection.send(text)
    }
  }
}

/** The task a job runs in: its run span's, the nearest one up (a tool's workflow nests in its caller's run). */
function taskIdOf(span: Span): string | undefined {
  for (let at = span.parent; at; at = at.parent) if (at.kind === 'run') return at.attributes['task.id']
  return undefined
}

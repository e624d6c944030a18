// `run_workflow` over the WebSocket (core/websocket/): the run is admitted and run as a task like
// an HTTP run (run-admission.ts, task-run.ts). With `subscribe_task` (the
// default) the client waits for it, as a `wait_for_completion` HTTP client
// does: its streamed chunks go out as `task_chunk` messages as they come, read
// at the client's pace, then a `task_state` with the outcome; when the client
// goes, the run is cancelled (or runs on for MC_STREAM_GRACE_SECONDS, as a
// waited HTTP stream does). Without it, the run is a background run: it runs
// on, kept in the task store, whatever the client does.

import { messageOf } from '../errors.ts'
import { runInBackground, type RunHandlerOptions } from './run-request.ts'
import { collectedOutput } from '../stream/collected-output.ts'
import { isStream } from '../stream/stream.ts'
import { RecordedElsewhere } from '../tasks/recorded-elsewhere.ts'
import type { StoredTask, TaskStore } from '../tasks/store/task-store.ts'
import type { SocketConnection } from '../websocket/connection.ts'
import { chunkFrame, frame, SocketError } from '../websocket/envelope.ts'
import type { WebSocketSettings } from '../websocket/settings.ts'
import { watchTask, type WatchOptions } from '../websocket/task-watch.ts'
import { admittedRun } from './admitted-run.ts'
import type { TaskRun } from './task-run.ts'
import { taskView } from './task-view.ts'

/** A task as `task_state` and `task_subscribed` show it (model-compose's TaskStateResult). */
export function taskState(task: StoredTask): Record<string, unknown> {
  return { ...taskView(task), workflow_id: task.workflow_id }
}

/** How a watch (task-watch.ts) tells a task's state and reads its chunks; `afterSeq` as there. */
export function watchOptions(options: Pick<RunHandlerOptions, 'runtime' | 'log'>, seen: StoredTask['status'] | undefined, afterSeq?: number): WatchOptions {
  const jsonChunks = (task: StoredTask) => options.runtime.findWorkflow(task.workflow_id)?.streamFormat === 'sse-json'
  return { seen, afterSeq, log: options.log, stateOf: taskState, jsonChunks }
}

export interface SocketRunRequest {
  workflow_id?: string
  input: unknown
  /** model-compose's free-form `metadata` and `session_id`: echoed in this client's `task_state` messages (mc's task store keeps neither). */
  metadata?: unknown
  session_id?: string
  subscribe_task: boolean
}

const FIELDS = new Set(['workflow_id', 'input', 'metadata', 'session_id', 'subscribe_task'])
const CLIENT_GONE = 'cancelled: the client went away'

/** Reads `run_workflow`'s data: INVALID_REQUEST naming the field. */
export function parseSocketRun(data: Record<string, unknown>, id: string | undefined): SocketRunRequest {
  const fail = (message: string) => new SocketError('INVALID_REQUEST', message, id)
  for (const key of Object.keys(data)) if (!FIELDS.has(key)) throw fail(`data.${key}: unknown field (fields: ${[...FIELDS].join(', ')})`)
  const { workflow_id, input, session_id, subscribe_task } = data
  if (workflow_id != null && typeof workflow_id !== 'string') throw fail(`data.workflow_id: expected a string, got ${JSON.stringify(workflow_id)}`)
  if (input != null && (typeof input !== 'object' || Array.isArray(input))) throw fail('data.input: expected an object of named values')
  if (session_id != null && typeof session_id !== 'string') throw fail(`data.session_id: expected a string, got ${JSON.stringify(session_id)}`)
  if (subscribe_task != null && typeof subscribe_task !== 'boolean') throw fail(`data.subscribe_task: expected true or false, got ${JSON.stringify(subscribe_task)}`)
  return {
    input: input ?? {},
    subscribe_task: subscribe_task ?? true,
    ...(typeof workflow_id === 'string' ? { workflow_id } : {}),
    ...(data.metadata != null ? { metadata: data.metadata } : {}),
    ...(typeof session_id === 'string' ? { session_id } : {}),
  }
}

/** Starts the run; `workflow_started` goes out once its task exists. Errors (unknown workflow, limits) are thrown. */
export async function startSocketRun(connection: SocketConnection, messageId: string | undefined, request: SocketRunRequest, limits: WebSocketSettings, options: RunHandlerOptions): Promise<void> {
  const workflow = options.runtime.servedWorkflow(request.workflow_id)
  const background = !request.subscribe_task
  if (!background && (connection.runCount >= limits.maxRunsPerConnection || connection.followCount >= limits.maxSubscriptions)) {
    throw new SocketError('BUSY', `this connection already follows ${connection.runCount} runs (MC_WS_MAX_RUNS_PER_CONNECTION) and ${connection.followCount} tasks (MC_WS_MAX_SUBSCRIPTIONS): wait for one to end, or run with "subscribe_task": false`, messageId)
  }
  // Counted at once: the client's next message may come before this run's task exists.
  const started = background ? undefined : connection.reserve()
  const extra = { ...(request.session_id ? { session_id: request.session_id } : {}), ...(request.metadata !== undefined ? { metadata: request.metadata } : {}) }
  let run: TaskRun
  try {
    // Its `processing` state goes out when the store hears of it (the run has its slot).
    const store = background ? options.store : storeTellingStart(options.store, () => connection.send(frame('task_state', undefined, { task_id: run.id, workflow_id: workflow.id, status: 'processing', ...extra })))
    run = await admittedRun(workflow, background, { ...options, store })
  } finally {
    started?.()
  }
  connection.send(frame('workflow_started', messageId, { task_id: run.id, workflow_id: workflow.id, status: 'pending' }))
  const output = run.start(request.input)
  if (background) return void runInBackground(run, output, options)
  connection.follow(run.id, () => {
    // A stream left within a grace period runs on, recorded, for a client to resume it over HTTP.
    if (run.live && options.streamGraceMs > 0) run.live.keepFor(options.streamGraceMs, `${CLIENT_GONE} and nobody resumed its stream within MC_STREAM_GRACE_SECONDS`)
    else run.cancel(CLIENT_GONE)
  }, true)
  void followRun(connection, run, output, extra, options).catch((error) => options.log.warn(`WebSocket: task ${run.id}: ${messageOf(error)}`))
}

/** The store, but `start` (pending → processing) also calls `onStart`; everything else is the store's own. */
function storeTellingStart(store: TaskStore, onStart: () => void): TaskStore {
  return new Proxy(store, {
    get(target, key) {
      if (key === 'start') return (id: string) => target.start(id).then(onStart)
      const value: unknown = Reflect.get(target, key, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

async function followRun(connection: SocketConnection, run: TaskRun, started: Promise<unknown>, extra: Record<string, unknown>, options: RunHandlerOptions): Promise<void> {
  const state = (facts: Record<string, unknown>) => {
    const view = { task_id: run.id, workflow_id: run.workflow.id, ...facts, ...extra }
    let text: string
    try {
      text = frame('task_state', undefined, view)
    } catch {
      // An output JSON cannot write (model-compose sends null for those too).
      text = frame('task_state', undefined, { ...view, output: null })
    }
    connection.send(text)
  }
  let output: unknown
  try {
    const first = await Promise.race([started.then((value) => ({ value })), run.interrupted().then((point) => ({ point }))])
    if ('point' in first) {
      // Waiting for a human's answer: it runs on without its client (resume_task, or POST /tasks/{id}/resume), watched from the store.
      connection.unfollow(run.id)
      void runInBackground(run, started, options)
      state({ status: 'interrupted', interrupt: first.point })
      return watchTask(connection, options.store, run.id, watchOptions(options, 'interrupted', 0))
    }
    output = first.value
  } catch (thrown) {
    connection.unfollow(run.id)
    await run.fail(thrown)
    return void state({ status: 'failed', error: run.cancelled ?? messageOf(thrown) })
  }
  if (output instanceof RecordedElsewhere) {
    // A queue worker runs it: its client watches it in the store.
    connection.unfollow(run.id)
    run.handOver()
    return watchTask(connection, options.store, run.id, watchOptions(options, 'pending', 0))
  }
  if (!isStream(output)) {
    connection.unfollow(run.id)
    await run.complete(output)
    return void state({ status: 'completed', output: output ?? null })
  }
  // Collected as it passes: the final task_state carries the whole output (within MC_TASK_OUTPUT_BYTES), as a background run's task does.
  const live = await run.stream(output, run.workflow.streamFormat ?? 'sse-text', collectedOutput(output, options.taskOutputBytes))
  // An sse-json event's data is JSON already; an sse-text one is text.
  const json = run.workflow.streamFormat === 'sse-json'
  const quotedId = JSON.stringify(run.id)
  for (let event = await live.next(); event !== undefined; event = await live.next()) {
    // A failure's `error` event: the final task_state says it.
    if (event.event === 'error' || connection.isClosed) continue
    const backedUp = connection.send(chunkFrame(quotedId, event.seq, json ? event.data : JSON.stringify(event.data)))
    if (backedUp) await backedUp
  }
  connection.unfollow(run.id)
  await run.settled
  const task = await options.store.get(run.id)
  if (task) state(taskState(task))
}

// `POST /workflows/runs`: checks the request, runs the workflow as a task,
// and answers with JSON, or with SSE when the output streams. A waited stream
// is pulled by its client; when the client goes, the run is cancelled — or,
// with a grace period (MC_STREAM_GRACE_SECONDS), runs on, recorded, so the
// client can resume it. A background run's stream runs on by itself. A run a
// queue worker claimed and records in the shared store is followed from there.
// A background run may name a WebSocket session (`?session_id=`, with
// `"subscribe_task": true`): that connection is subscribed to its task before it starts.

import { badRequest, messageOf } from '../errors.ts'
import type { KeyHolder } from '../http/api-keys.ts'
import { errorResponse } from '../http/error-response.ts'
import { jsonResponse } from '../http/json-response.ts'
import type { Logger } from '../log.ts'
import { collectedOutput } from '../stream/collected-output.ts'
import { isStream } from '../stream/stream.ts'
import { sseDataOf } from '../http/sse.ts'
import { RecordedElsewhere } from '../tasks/recorded-elsewhere.ts'
import { singleEventResponse, sseResponse } from './sse-response.ts'
import { streamAnswer } from './task-routes.ts'
import type { RunAdmission } from './run-admission.ts'
import { admittedRun } from './admitted-run.ts'
import type { TaskRun, TaskRunContext } from './task-run.ts'
import { taskView } from './task-view.ts'
import type { SocketSessions } from '../websocket/socket-sessions.ts'

export interface RunRequest {
  workflow_id?: string
  input?: unknown
  wait_for_completion: boolean
  output_only: boolean
  /** The WebSocket session (`?session_id=`) whose connection follows the run: `"subscribe_task": true`. */
  subscribe_session?: string
}

/** Session ids are ULIDs or UUIDs; anything much longer is not one. */
const MAX_SESSION_ID_LENGTH = 128

/** Reads and checks the JSON body of a run request (and its `session_id` query parameter): 400 naming the field. */
export function parseRunRequest(body: unknown, sessionId: string | null = null): RunRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('request body: expected a JSON object')
  const raw = body as Record<string, unknown>
  const known = new Set(['workflow_id', 'input', 'wait_for_completion', 'output_only', 'subscribe_task'])
  for (const key of Object.keys(raw)) if (!known.has(key)) throw badRequest(`${key}: unknown field (fields: ${[...known].join(', ')})`)
  const flag = (name: string, fallback: boolean): boolean => {
    const value = raw[name]
    if (value === undefined || value === null) return fallback
    if (typeof value === 'boolean') return value
    // A form sends text.
    if (value === 'true' || value === 'false') return value === 'true'
    throw badRequest(`${name}: expected true or false, got ${JSON.stringify(value)}`)
  }
  if (raw.workflow_id !== undefined && raw.workflow_id !== null && typeof raw.workflow_id !== 'string') {
    throw badRequest(`workflow_id: expected a string, got ${JSON.stringify(raw.workflow_id)}`)
  }
  if (raw.input !== undefined && raw.input !== null && (typeof raw.input !== 'object' || Array.isArray(raw.input))) {
    throw badRequest('input: expected an object of named values')
  }
  const request: RunRequest = {
    input: raw.input ?? {},
    wait_for_completion: flag('wait_for_completion', true),
    output_only: flag('output_only', false),
    ...(typeof raw.workflow_id === 'string' ? { workflow_id: raw.workflow_id } : {}),
  }
  if (request.output_only && !request.wait_for_completion) throw badRequest('output_only needs wait_for_completion: true')
  if (!flag('subscribe_task', false)) return request
  // model-compose's rules: a subscribed run is a background one, and names its socket's session.
  if (request.wait_for_completion) throw badRequest('subscribe_task: true needs wait_for_completion: false')
  if (!sessionId || sessionId.length > MAX_SESSION_ID_LENGTH) throw badRequest('session_id: subscribe_task: true needs the query parameter ?session_id= naming an open WebSocket session (its ?session=)')
  return { ...request, subscribe_session: sessionId }
}

export interface RunHandlerOptions extends TaskRunContext {
  admission: RunAdmission
  /** Bytes of a background run's streamed output kept as its task's output. */
  taskOutputBytes: number
  keepAliveMs: number
  /** 0: a waited stream is cancelled as soon as its client goes. */
  streamGraceMs: number
  /** Aborted when the server stops: clients cut off then did not leave, and may resume elsewhere. */
  stopping: AbortSignal
  log: Logger
  /** The API key the request came with: its runs count against its concurrent_runs. */
  caller?: KeyHolder
  /** The server's open WebSocket connections, for runs that name theirs (`subscribe_session`). */
  sockets?: SocketSessions
}

const CLIENT_GONE = 'cancelled: the client went away'

export async function handleRun(request: RunRequest, clientSignal: AbortSignal, options: RunHandlerOptions): Promise<Response> {
  const workflow = options.runtime.servedWorkflow(request.workflow_id)
  const session = request.subscribe_session
  const subscribe = session === undefined ? undefined : options.sockets?.subscriberOf(session)
  if (session !== undefined && !subscribe) throw badRequest(`session_id: no WebSocket connection of session "${session}" is open`)
  // 503 at once when full: nothing is started or stored.
  const background = !request.wait_for_completion
  const run = await admittedRun(workflow, background, options)
  if (options.caller) options.log.debug(`task ${run.id}: workflow "${workflow.id}" for API key "${options.caller.name}"`)
  const format = workflow.streamFormat ?? 'sse-text'

  if (background) {
    // Subscribed before it starts: the socket sees every state and job of it.
    if (subscribe) await subscribe(run.id)
    void runInBackground(run, run.start(request.input), options)
    return jsonResponse({ task_id: run.id, status: 'pending' })
  }

  // A waited run is the client's: it is cancelled when the client goes away (while it streams, see below).
  const onClientGone = () => run.cancel(CLIENT_GONE)
  clientSignal.addEventListener('abort', onClientGone, { once: true })
  let output: unknown
  try {
    const started = run.start(request.input)
    const first = await Promise.race([started.then((value) => ({ value })), run.interrupted().then((point) => ({ point }))])
    if ('point' in first) {
      // Waiting for a human's answer (model-compose answers so too): the run goes on without its client once resumed.
      clientSignal.removeEventListener('abort', onClientGone)
      void runInBackground(run, started, options)
      const body = taskView({ task_id: run.id, status: 'interrupted', interrupt: first.point })
      return jsonResponse(body, request.output_only ? 202 : 200)
    }
    output = first.value
  } catch (thrown) {
    clientSignal.removeEventListener('abort', onClientGone)
    await run.fail(thrown)
    // Cancelled (POST /tasks/{id}/cancel): whatever the aborted run threw, that is what happened.
    const error = run.cancelled === undefined ? thrown : new Error(run.cancelled)
    return request.output_only ? errorResponse(error) : errorResponse(error, taskView({ task_id: run.id, status: 'failed', error: messageOf(error) }))
  }
  clientSignal.removeEventListener('abort', onClientGone)

  if (isStream(output) || output instanceof RecordedElsewhere) {
    if (!request.output_only) {
      const error = badRequest(`workflow "${workflow.id}" streams its output: ask for it with "output_only": true (and "wait_for_completion": true)`)
      if (output instanceof RecordedElsewhere) await options.store.requestCancel(run.id)
      await run.fail(error)
      return errorResponse(error)
    }
    if (output instanceof RecordedElsewhere) return followRecorded(run, clientSignal, options)
    const live = await run.stream(output, format)
    const clientGone = () => {
      if (options.streamGraceMs > 0) live.keepFor(options.streamGraceMs, `${CLIENT_GONE} and nobody resumed its stream within MC_STREAM_GRACE_SECONDS`)
      else live.cancel(CLIENT_GONE)
    }
    if (clientSignal.aborted) clientGone()
    else clientSignal.addEventListener('abort', clientGone, { once: true })
    return sseResponse(run.id, () => live.next(), { keepAliveMs: options.keepAliveMs, onCancel: clientGone })
  }

  await run.complete(output)
  if (!request.output_only) return jsonResponse(taskView({ task_id: run.id, status: 'completed', output }))
  // A workflow declared as streaming whose value is not a stream answers one event.
  if (workflow.streamFormat) return singleEventResponse(run.id, sseDataOf(workflow.streamFormat)(output))
  return jsonResponse(output ?? null)
}

/**
 * A waited run whose stream another process records (a queue worker that
 * claimed the task): its client follows it from the store. A client that goes
 * cancels it there, as it would a local run — unless a grace period is set
 * (then the worker runs it to its end), or the server is stopping.
 */
function followRecorded(run: TaskRun, clientSignal: AbortSignal, options: RunHandlerOptions): Promise<Response> {
  run.handOver()
  const clientGone = () => {
    if (options.streamGraceMs === 0 && !options.stopping.aborted) void options.store.requestCancel(run.id).catch(() => {})
  }
  if (clientSignal.aborted) clientGone()
  return streamAnswer(run.id, 0, options, clientGone)
}

/**
 * A run nobody waits for (or no longer: it was interrupted, or resumed): its
 * output is kept in the task; a stream is also recorded as it goes, for
 * clients to attach, and its first MC_TASK_OUTPUT_BYTES are kept as the
 * output (never-ending streams exist).
 */
export async function runInBackground(run: TaskRun, started: Promise<unknown>, options: Pick<RunHandlerOptions, 'taskOutputBytes' | 'log'>): Promise<void> {
  try {
    const output = await started
    if (output instanceof RecordedElsewhere) return run.handOver()
    if (!isStream(output)) return await run.complete(output)
    const live = await run.stream(output, run.workflow.streamFormat ?? 'sse-text', collectedOutput(output, options.taskOutputBytes))
    live.detach()
  } catch (error) {
    options.log.debug(`task ${run.id} failed: ${messageOf(error)}`)
    await run.fail(error)
  }
}

// `POST /workflows/runs`: checks the request, runs the workflow as a task,
// and answers with JSON, or with SSE when the output streams.

import { badRequest, messageOf } from '../errors.ts'
import { errorResponse } from '../http/error-response.ts'
import { jsonResponse } from '../http/json-response.ts'
import type { Logger } from '../log.ts'
import type { Runtime } from '../runtime.ts'
import { isStream, onSettled, settle, type Stream } from '../stream/operators.ts'
import { SSE_HEADERS, sseFramer, type SseFormat } from '../stream/sse.ts'
import { Semaphore } from '../workflow/semaphore.ts'
import { sseResponse } from './sse-response.ts'
import { taskView, type Task, type TaskStore } from './tasks.ts'

export interface RunRequest {
  workflow_id?: string
  input?: unknown
  wait_for_completion: boolean
  output_only: boolean
}

/** Reads and checks the JSON body of a run request: 400 naming the field. */
export function parseRunRequest(body: unknown): RunRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('request body: expected a JSON object')
  const raw = body as Record<string, unknown>
  const known = new Set(['workflow_id', 'input', 'wait_for_completion', 'output_only'])
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
  return request
}

export interface RunHandlerOptions {
  runtime: Runtime
  tasks: TaskStore
  /** The controller's `max_concurrent_count`: runs beyond it wait their turn. */
  slots: Semaphore
  keepAliveMs: number
  log: Logger
}

export async function handleRun(request: RunRequest, clientSignal: AbortSignal, options: RunHandlerOptions): Promise<Response> {
  const { runtime, tasks, log } = options
  const workflow = runtime.workflow(request.workflow_id)
  const task = tasks.create(workflow.id)
  const runSignal = task.abort!.signal

  const start = async (): Promise<{ output: unknown; release: () => void }> => {
    const release = await options.slots.acquire(runSignal)
    task.status = 'processing'
    try {
      return { output: await runtime.run(workflow, request.input, runSignal), release }
    } catch (error) {
      release()
      throw error
    }
  }

  if (!request.wait_for_completion) {
    start()
      .then(async ({ output, release }) => {
        try {
          tasks.complete(task, await settle(output))
        } finally {
          release()
        }
      })
      .catch((error) => {
        log.debug(`task ${task.task_id} failed: ${messageOf(error)}`)
        tasks.fail(task, messageOf(error))
      })
    return jsonResponse({ task_id: task.task_id, status: 'pending' })
  }

  // A waited run is the client's: it is cancelled when the client goes away.
  const onClientGone = () => task.abort?.abort(new Error('client disconnected'))
  clientSignal.addEventListener('abort', onClientGone, { once: true })
  let output: unknown
  let release: () => void
  try {
    ;({ output, release } = await start())
  } catch (error) {
    clientSignal.removeEventListener('abort', onClientGone)
    tasks.fail(task, messageOf(error))
    return request.output_only ? errorResponse(error) : errorResponse(error, taskView(task))
  }

  if (isStream(output)) {
    if (!request.output_only) {
      release()
      const error = badRequest(`workflow "${workflow.id}" streams its output: ask for it with "output_only": true (and "wait_for_completion": true)`)
      tasks.fail(task, error.message)
      clientSignal.removeEventListener('abort', onClientGone)
      return errorResponse(error)
    }
    return streamTask(task, output, workflow.streamFormat ?? 'sse-text', release, options)
  }

  release()
  clientSignal.removeEventListener('abort', onClientGone)
  tasks.complete(task, output)
  if (!request.output_only) return jsonResponse(taskView(task))
  // A workflow declared as streaming whose value is not a stream answers one event.
  if (workflow.streamFormat) return singleEventResponse(output, workflow.streamFormat)
  return jsonResponse(output ?? null)
}

function streamTask(task: Task, output: Stream, format: SseFormat, release: () => void, options: RunHandlerOptions): Response {
  const { tasks } = options
  // Settles the task however the stream ends: completed, failed, or cancelled by the client.
  const tracked = onSettled(output, (error) => {
    release()
    if (error !== undefined) tasks.fail(task, messageOf(error))
    else if (task.abort?.signal.aborted) tasks.fail(task, 'cancelled: the client went away')
    else tasks.complete(task, null)
  })
  return sseResponse(tracked, format, {
    keepAliveMs: options.keepAliveMs,
    onCancel: () => task.abort?.abort(new Error('client disconnected')),
  })
}

function singleEventResponse(output: unknown, format: SseFormat): Response {
  const event = sseFramer(format)(output) ?? ''
  return new Response(event, { headers: SSE_HEADERS })
}


// What a WebSocket client (core/websocket/) may ask, as model-compose 0.4.92's reference/websocket.md
// lists it — run_workflow, subscribe_task, unsubscribe_task, get_task,
// resume_task, ping — plus mc's cancel_task (POST /tasks/{id}/cancel's
// equivalent), and `subscribe_task`'s `after_seq` (replay the task's recorded
// chunks after that seq, as GET /tasks/{id}/stream?after= does). Each answer echoes the request's `id`; a request that cannot be
// done answers an `error` message with model-compose's code, the connection open.

import type { KeyHolder } from '../http/api-keys.ts'
import type { SocketConnection } from '../websocket/connection.ts'
import { errorFrame, frame, invalid, parseMessage, SocketError, type ClientMessage, type ErrorCode } from '../websocket/envelope.ts'
import type { WebSocketSettings } from '../websocket/settings.ts'
import type { SocketHandlers } from '../websocket/socket-route.ts'
import { watchTask } from '../websocket/task-watch.ts'
import { parseResumeRequest, resumeTask } from './resume-task.ts'
import type { RunHandlerOptions } from './run-request.ts'
import { parseSocketRun, startSocketRun, taskState, watchOptions } from './socket-run.ts'
import { cancelAnswer } from './task-routes.ts'

interface SocketOptions {
  run: RunHandlerOptions
  settings: WebSocketSettings
}

/** The WebSocket endpoint's answers, running workflows as the HTTP API does (`run`). */
export function socketHandlers(run: RunHandlerOptions, settings: WebSocketSettings): SocketHandlers {
  // The key a connection came with: its name in logs and traces, its limits on the runs.
  const optionsOf = (caller: KeyHolder | undefined): SocketOptions => ({ run: caller ? { ...run, caller } : run, settings })
  return {
    message: (connection, message, caller) => handleMessage(connection, message, optionsOf(caller)),
    subscribe: (connection, taskId, caller, first) => subscribe(connection, taskIdOf({ task_id: taskId }, undefined), undefined, optionsOf(caller), first),
  }
}

/** Task ids are ULIDs; anything much longer is not one. */
const MAX_TASK_ID_LENGTH = 128

async function handleMessage(connection: SocketConnection, message: unknown, options: SocketOptions): Promise<void> {
  let request: ClientMessage | undefined
  try {
    request = parseMessage(message)
    await answer(connection, request, options)
  } catch (error) {
    const id = request?.id ?? (error instanceof SocketError ? error.id : undefined)
    connection.send(errorFrame(error, id, notFoundCode(request?.type)))
  }
}

/**
 * Subscribes the client to a task of the store: `task_subscribed` with its
 * state now (or that state as a `task_state`: `first`), `task_state` on every
 * change, `task_chunk` for each chunk it streams (task-watch.ts).
 */
async function subscribe(connection: SocketConnection, taskId: string, id: string | undefined, options: SocketOptions, first: 'task_subscribed' | 'task_state' = 'task_subscribed', afterSeq?: number): Promise<void> {
  const { store } = options.run
  const most = options.settings.maxSubscriptions
  if (!connection.isFollowing(taskId) && connection.followCount >= most) {
    throw new SocketError('BUSY', `this connection already follows ${most} tasks (MC_WS_MAX_SUBSCRIPTIONS): unsubscribe from one first`, id)
  }
  // Counted at once: the client's next message may come before this one's answer.
  const reserved = connection.reserve()
  try {
    const task = await store.get(taskId)
    if (!task) throw new SocketError('TASK_NOT_FOUND', `Task '${taskId}' not found`, id)
    connection.send(first === 'task_state' ? frame('task_state', id, taskState(task)) : frame('task_subscribed', id, { task_id: taskId, state: taskState(task) }))
    if (!connection.isFollowing(taskId)) watchTask(connection, store, taskId, watchOptions(options.run, task.status, afterSeq))
  } finally {
    reserved()
  }
}

async function answer(connection: SocketConnection, request: ClientMessage, options: SocketOptions): Promise<void> {
  const { id, data } = request
  const { store } = options.run
  switch (request.type) {
    case 'ping':
      return void connection.send(frame('pong', id, { timestamp: new Date().toISOString() }))
    case 'run_workflow':
      return startSocketRun(connection, id, parseSocketRun(data, id), options.settings, options.run)
    case 'subscribe_task':
      return subscribe(connection, taskIdOf(data, id), id, options, 'task_subscribed', afterSeqOf(data, id))
    case 'unsubscribe_task': {
      const taskId = taskIdOf(data, id)
      if (connection.waitsFor(taskId)) {
        throw invalid(`task "${taskId}" is a run this connection waits for: cancel it (cancel_task), or start runs with "subscribe_task": false to leave them running`, id)
      }
      connection.leave(taskId)
      return void connection.send(frame('task_unsubscribed', id, { task_id: taskId }))
    }
    case 'get_task': {
      const taskId = taskIdOf(data, id)
      const task = await store.get(taskId)
      if (!task) throw new SocketError('TASK_NOT_FOUND', `Task '${taskId}' not found`, id)
      return void connection.send(frame('task_state', id, taskState(task)))
    }
    case 'resume_task': {
      const { task_id: _, ...body } = data
      const resumed = await resumeTask(taskIdOf(data, id), parseResumeRequest(body), options.run)
      return void connection.send(frame('task_resumed', id, resumed))
    }
    case 'cancel_task': {
      const taskId = taskIdOf(data, id)
      const response = await cancelAnswer(taskId, false, { store, live: options.run.live, keepAliveMs: options.run.keepAliveMs })
      const body = (await response.json()) as Record<string, unknown>
      if (response.status !== 200) throw invalid(String(body.detail), id)
      return void connection.send(frame('task_cancelled', id, body))
    }
    default:
      throw invalid(`type: unknown message type "${request.type}" (types: ping, run_workflow, subscribe_task, unsubscribe_task, get_task, resume_task, cancel_task)`, id)
  }
}

function taskIdOf(data: Record<string, unknown>, id: string | undefined): string {
  const taskId = data.task_id
  if (typeof taskId !== 'string' || taskId === '' || taskId.length > MAX_TASK_ID_LENGTH) throw invalid('data.task_id: expected the id of a task (a string)', id)
  return taskId
}

/** `subscribe_task`'s optional `after_seq`: a whole number, 0 for the stream's start. */
function afterSeqOf(data: Record<string, unknown>, id: string | undefined): number | undefined {
  const after = data.after_seq
  if (after === undefined || after === null) return undefined
  if (typeof after !== 'number' || !Number.isSafeInteger(after) || after < 0) throw invalid(`data.after_seq: expected a whole number, 0 or more (the seq of the last chunk seen), got ${JSON.stringify(after)}`, id)
  return after
}

function notFoundCode(type: string | undefined): ErrorCode {
  return type === 'run_workflow' ? 'WORKFLOW_NOT_FOUND' : 'TASK_NOT_FOUND'
}

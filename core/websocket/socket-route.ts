// The WebSocket endpoint (model-compose 0.4.92's chapter 8) on the controller's
// port: `ws://host:port<base_path><path>` (`/api/ws` by default). As in
// model-compose, `?session=` names the connection (a second one of the same
// session is closed with 4409), past the connection limit a new one is
// closed with 4429, and `?task=` subscribes at once (`sessions`: the open
// ones, for HTTP runs that name theirs: socket-sessions.ts); the tasks a client
// follows send their jobs' `job_event`s (job-events.ts). The key check is the
// controller's (socket-key.ts). Bun's own settings bound a client's message
// (1009 past it), what piles up for a client that does not read, and how long
// a quiet connection lives: pinged after `ping_interval`, closed when no pong
// comes within `ping_timeout`.

import { Elysia } from 'elysia'
import { ulid } from 'ulid'
import { HttpError } from '../errors.ts'
import type { WebSocketConfig } from '../model/compose-model.ts'
import { callerOf } from '../http/api-key.ts'
import type { KeyHolder } from '../http/api-keys.ts'
import { SocketConnection, type Socket } from './connection.ts'
import { errorFrame } from './envelope.ts'
import { JobEvents } from './job-events.ts'
import type { WebSocketSettings } from './settings.ts'
import { SocketSessions } from './socket-sessions.ts'
import { offeredProtocols, SUBPROTOCOL } from './socket-key.ts'

/** model-compose's close codes. */
const SESSION_TAKEN = 4409
const TOO_MANY = 4429

/** Bun's idle timeout is whole seconds, 8 to 960 (0: none). */
const MIN_IDLE_SECONDS = 8
const MAX_IDLE_SECONDS = 960

/** The settings Bun's server takes for every WebSocket it serves (one endpoint in mc). */
export function socketServerOptions(config: WebSocketConfig, settings: WebSocketSettings) {
  const idleSeconds = config.pingIntervalMs === 0 ? 0 : Math.ceil((config.pingIntervalMs + config.pingTimeoutMs) / 1000)
  return {
    maxPayloadLength: settings.maxMessageBytes,
    backpressureLimit: settings.bufferBytes,
    closeOnBackpressureLimit: false,
    // Bun pings a connection shortly before it would time out: one that answers stays.
    idleTimeout: idleSeconds === 0 ? 0 : Math.min(Math.max(idleSeconds, MIN_IDLE_SECONDS), MAX_IDLE_SECONDS),
    sendPings: idleSeconds > 0,
    // Streamed chunks leave as they come; compressing them would cost CPU on every one.
    perMessageDeflate: false,
  }
}

/** What the endpoint does with a connection's messages (core/controller/socket-requests.ts). `caller`: the key it came with. */
export interface SocketHandlers {
  message(connection: SocketConnection, message: unknown, caller: KeyHolder | undefined): Promise<void>
  /**
   * `?task=`: a `subscribe_task` at once, answered `task_subscribed`; an HTTP
   * run naming the session (`?session_id=`): answered `task_state`, as model-compose does.
   */
  subscribe(connection: SocketConnection, taskId: string, caller: KeyHolder | undefined, first?: 'task_subscribed' | 'task_state'): Promise<void>
}

/**
 * `origins`: the controller's. A browser page may open a WebSocket to any
 * site (no CORS): with origins listed, a page of another origin is refused
 * (403), as model-compose's `origins` applies to WebSocket connections; "*" admits all.
 */
export function webSocketRoute(config: WebSocketConfig, settings: WebSocketSettings, handlers: SocketHandlers, origins: readonly string[], sessions = new SocketSessions()) {
  const maxConnections = Math.min(config.maxConnections ?? Number.POSITIVE_INFINITY, settings.maxConnections)
  const jobEvents = new JobEvents(settings.jobOutputBytes)
  // Bun hands the same ServerWebSocket to every event of a connection.
  const connections = new WeakMap<object, { session: string; connection: SocketConnection; caller: KeyHolder | undefined }>()
  return new Elysia().ws(config.path, {
    upgrade(context) {
      const origin = context.request.headers.get('origin')
      if (origin !== null && !origins.includes('*') && !origins.includes(origin) && origin !== new URL(context.request.url).origin) {
        throw new HttpError(403, `a page of ${origin} may not open this WebSocket: list that origin in controller.origins`)
      }
      // A browser that offered subprotocols needs one of them back, or it drops the connection.
      if (offeredProtocols(context.request).includes(SUBPROTOCOL)) context.set.headers['sec-websocket-protocol'] = SUBPROTOCOL
    },
    open(ws) {
      const query = ws.data.query as Record<string, string | undefined>
      const session = query.session || ulid()
      if (sessions.size >= maxConnections) return ws.raw.close(TOO_MANY, 'Too many connections')
      if (sessions.has(session)) return ws.raw.close(SESSION_TAKEN, 'Session already connected')
      const connection = new SocketConnection(ws.raw as Socket, settings.stallSeconds * 1000)
      // The key the upgrade came with.
      const caller = callerOf(ws.data.request)
      const failed = (error: unknown) => void connection.send(errorFrame(error, undefined))
      sessions.add(session, connection, (taskId) => handlers.subscribe(connection, taskId, caller, 'task_state').catch(failed))
      connections.set(ws.raw, { session, connection, caller })
      jobEvents.add(connection)
      if (query.task) void handlers.subscribe(connection, query.task, caller).catch(failed)
    },
    message(ws, message) {
      const held = connections.get(ws.raw)
      if (held) return handlers.message(held.connection, message, held.caller)
    },
    drain(ws) {
      connections.get(ws.raw)?.connection.onDrain()
    },
    close(ws) {
      const held = connections.get(ws.raw)
      if (!held) return
      connections.delete(ws.raw)
      sessions.remove(held.session, held.connection)
      jobEvents.remove(held.connection)
      held.connection.onClose()
    },
  })
}

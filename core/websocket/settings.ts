// The WebSocket endpoint's bounds, from the environment (core/README.md, "WebSocket"):
// how many connections at once, how many runs and tasks one connection follows, how big
// a client's message and a job_event's output may be, and how long a client that reads nothing may keep
// mc's messages piling up before it is closed.

import { bytesSetting, countSetting, secondsSetting } from '../settings.ts'

export interface WebSocketSettings {
  /** Connections at once (with `max_connection_count`, the smaller); past it a new one is closed with 4429. */
  maxConnections: number
  /** Runs a connection started and follows at once; past it `run_workflow` answers a BUSY error. */
  maxRunsPerConnection: number
  /** Tasks a connection follows at once, its runs included; past it `subscribe_task` answers a BUSY error. */
  maxSubscriptions: number
  /** Bytes of one client message; a bigger one closes the connection with 1009. */
  maxMessageBytes: number
  /** Bytes queued for a client that does not read; past it the connection is closed. */
  bufferBytes: number
  /** Bytes of a job's output (as JSON) a `job_event` carries; a bigger one is left out (`output_omitted` says why). */
  jobOutputBytes: number
  /** Seconds a connection may stay backed up (its runs paused) before it is closed and its runs cancelled. */
  stallSeconds: number
}

export function webSocketSettingsOf(env: Readonly<Record<string, string | undefined>>): WebSocketSettings {
  return {
    maxConnections: countSetting(env, 'MC_WS_MAX_CONNECTIONS', 1024),
    maxRunsPerConnection: countSetting(env, 'MC_WS_MAX_RUNS_PER_CONNECTION', 16),
    maxSubscriptions: countSetting(env, 'MC_WS_MAX_SUBSCRIPTIONS', 256),
    maxMessageBytes: bytesSetting(env, 'MC_WS_MAX_MESSAGE_BYTES', 1024 * 1024),
    bufferBytes: bytesSetting(env, 'MC_WS_BUFFER_BYTES', 4 * 1024 * 1024),
    jobOutputBytes: bytesSetting(env, 'MC_WS_JOB_OUTPUT_BYTES', 64 * 1024),
    stallSeconds: secondsSetting(env, 'MC_WS_STALL_SECONDS', 30),
  }
}

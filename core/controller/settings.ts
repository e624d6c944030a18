// The controller's limits and keys, from the environment (see README,
// "Security" and "Settings"): how much of a request it reads, how long a quiet
// connection lives, what the task store keeps and for how long, how long a
// stream whose client left runs on, and the API key.

import type { ApiKeys } from '../http/api-keys.ts'
import { apiKeysOf } from '../http/api-keys-settings.ts'
import { DEFAULT_BODY_LIMITS, type BodyLimits } from '../http/json-body.ts'
import { DEFAULT_IDLE_TIMEOUT_SECONDS } from '../http/listen.ts'
import { bytesSetting, countSetting, secondsSetting } from '../settings.ts'
import { taskOutputBytesOf } from '../tasks/output-bound.ts'
import { DEFAULT_MAX_TOMBSTONES } from '../tasks/store/retention.ts'
import type { Retention } from '../tasks/store/task-store.ts'
import { webSocketSettingsOf, type WebSocketSettings } from '../websocket/settings.ts'

export interface ControllerSettings {
  body: BodyLimits
  /** Seconds a connection may stay quiet (Bun allows at most 255). */
  idleTimeoutSeconds: number
  /** Seconds without a chunk before an SSE keep-alive comment goes out. */
  keepAliveSeconds: number
  /**
   * Bytes the task store holds, counted as it stores them, running tasks and tombstones included: beyond
   * it finished tasks' outputs go first, the oldest first, then tombstones, then running tasks' recordings.
   */
  taskStoreBytes: number
  /** Tombstones (tasks whose output was dropped, answering 410) kept at most; the oldest go first. */
  taskTombstones: number
  /** Seconds a finished task is kept. */
  taskMaxAgeSeconds: number
  /** Bytes of one task's recorded stream; beyond it its oldest events go. 0: streams are not recorded (nor resumable). */
  taskStreamBytes: number
  /** Seconds a waited stream whose client left runs on (recorded, resumable); 0: it is cancelled at once. */
  streamGraceSeconds: number
  /** Runs in progress at once (running or waiting for a slot), and of those, background runs: past either, 503. */
  maxRuns: number
  maxBackgroundRuns: number
  /** Interrupted runs held in memory waiting for an answer: past it the oldest is parked (its task waits in the store). */
  maxWaitingInterrupts: number
  /** Bytes of a streamed run's output collected as its task's output (a background run's); the rest is not kept. */
  taskOutputBytes: number
  /** The WebSocket endpoint's bounds (core/websocket/settings.ts); their defaults when not given. */
  webSocket?: WebSocketSettings
  /** Bytes of request bodies being read at once, all requests together: past it, 503. */
  bodiesInFlightBytes: number
  /** With keys (MC_API_KEY, MC_API_KEYS, MC_API_KEYS_FILE), every route but /health needs one: `Authorization: Bearer <key>`. */
  apiKeys?: ApiKeys
}

const DEFAULT_TASK_STORE_BYTES = 128 * 1024 * 1024
const DEFAULT_TASK_STREAM_BYTES = 8 * 1024 * 1024
/** Far below Bun's 8,192 concurrent fetches (cli/mc), so that runs cannot take them all. */
const DEFAULT_MAX_RUNS = 1024
const DEFAULT_MAX_BACKGROUND_RUNS = 256
const DEFAULT_MAX_WAITING_INTERRUPTS = 256
/** Four bodies of the largest size (16 MiB) at once: JSON parsing takes several times a body's bytes. */
const DEFAULT_BODIES_IN_FLIGHT_BYTES = 64 * 1024 * 1024

export function controllerSettingsOf(env: Readonly<Record<string, string | undefined>>): ControllerSettings {
  const apiKeys = apiKeysOf(env)
  return {
    body: {
      ...DEFAULT_BODY_LIMITS,
      maxBytes: bytesSetting(env, 'MC_MAX_BODY_BYTES', DEFAULT_BODY_LIMITS.maxBytes),
      timeoutMs: secondsSetting(env, 'MC_BODY_TIMEOUT_SECONDS', DEFAULT_BODY_LIMITS.timeoutMs / 1000) * 1000,
    },
    idleTimeoutSeconds: secondsSetting(env, 'MC_IDLE_TIMEOUT_SECONDS', DEFAULT_IDLE_TIMEOUT_SECONDS, { max: 255 }),
    keepAliveSeconds: secondsSetting(env, 'MC_SSE_KEEPALIVE_SECONDS', 15),
    // MC_TASK_MEMORY_BYTES is its name from before, still read when the new one is not set.
    taskStoreBytes: bytesSetting(env, env.MC_TASK_STORE_BYTES?.trim() ? 'MC_TASK_STORE_BYTES' : 'MC_TASK_MEMORY_BYTES', DEFAULT_TASK_STORE_BYTES),
    taskTombstones: countSetting(env, 'MC_TASK_TOMBSTONES', DEFAULT_MAX_TOMBSTONES),
    taskMaxAgeSeconds: secondsSetting(env, 'MC_TASK_MAX_AGE_SECONDS', 3600),
    // 0 turns recording off (events still carry ids): what recording costs is measured against it.
    taskStreamBytes: env.MC_TASK_STREAM_BYTES?.trim() === '0' ? 0 : bytesSetting(env, 'MC_TASK_STREAM_BYTES', DEFAULT_TASK_STREAM_BYTES),
    streamGraceSeconds: secondsSetting(env, 'MC_STREAM_GRACE_SECONDS', 0, { allowZero: true }),
    maxRuns: countSetting(env, 'MC_MAX_RUNS', DEFAULT_MAX_RUNS),
    maxBackgroundRuns: countSetting(env, 'MC_MAX_BACKGROUND_RUNS', DEFAULT_MAX_BACKGROUND_RUNS),
    maxWaitingInterrupts: countSetting(env, 'MC_MAX_WAITING_INTERRUPTS', DEFAULT_MAX_WAITING_INTERRUPTS),
    taskOutputBytes: taskOutputBytesOf(env),
    bodiesInFlightBytes: bytesSetting(env, 'MC_MAX_BODIES_IN_FLIGHT_BYTES', DEFAULT_BODIES_IN_FLIGHT_BYTES),
    webSocket: webSocketSettingsOf(env),
    ...(apiKeys ? { apiKeys } : {}),
  }
}

/** What the task store keeps, from the settings. */
export function retentionOf(settings: ControllerSettings): Retention {
  return {
    maxAgeMs: settings.taskMaxAgeSeconds * 1000,
    maxBytes: settings.taskStoreBytes,
    maxStreamBytes: settings.taskStreamBytes,
    maxTombstones: settings.taskTombstones,
  }
}

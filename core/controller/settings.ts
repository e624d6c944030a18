// The controller's limits and keys, from the environment (see README,
// "Security" and "Settings"): how much of a request it reads, how long a quiet
// connection lives, how much memory finished tasks keep, and the API key.

import { DEFAULT_BODY_LIMITS, type BodyLimits } from '../http/json-body.ts'
import { DEFAULT_IDLE_TIMEOUT_SECONDS } from '../http/listen.ts'
import { bytesSetting, secondsSetting } from '../settings.ts'

export interface ControllerSettings {
  body: BodyLimits
  /** Seconds a connection may stay quiet (Bun allows at most 255). */
  idleTimeoutSeconds: number
  /** Seconds without a chunk before an SSE keep-alive comment goes out. */
  keepAliveSeconds: number
  /** Bytes of finished tasks' outputs kept for `GET /tasks/{id}`; the oldest go first. */
  taskMemoryBytes: number
  /** With a key, every route but /health needs `Authorization: Bearer <key>`. */
  apiKey?: string
}

const DEFAULT_TASK_MEMORY_BYTES = 128 * 1024 * 1024

export function controllerSettingsOf(env: Readonly<Record<string, string | undefined>>): ControllerSettings {
  const apiKey = env.MC_API_KEY?.trim()
  return {
    body: {
      ...DEFAULT_BODY_LIMITS,
      maxBytes: bytesSetting(env, 'MC_MAX_BODY_BYTES', DEFAULT_BODY_LIMITS.maxBytes),
      timeoutMs: secondsSetting(env, 'MC_BODY_TIMEOUT_SECONDS', DEFAULT_BODY_LIMITS.timeoutMs / 1000) * 1000,
    },
    idleTimeoutSeconds: secondsSetting(env, 'MC_IDLE_TIMEOUT_SECONDS', DEFAULT_IDLE_TIMEOUT_SECONDS, { max: 255 }),
    keepAliveSeconds: secondsSetting(env, 'MC_SSE_KEEPALIVE_SECONDS', 15),
    taskMemoryBytes: bytesSetting(env, 'MC_TASK_MEMORY_BYTES', DEFAULT_TASK_MEMORY_BYTES),
    ...(apiKey ? { apiKey } : {}),
  }
}

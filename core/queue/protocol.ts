// model-compose's queue protocol on Redis (0.4.92: core/controller/queue/drivers/redis.py
// and adapters/services/queue_subscriber/drivers/redis.py), so that mc and
// model-compose processes can share one Redis:
//
//   {name}:{workflow_id}                   LIST     task messages: LPUSH by a producer, BRPOP by a worker
//   {name}:{workflow_id}:{run_id}          STRING   the result (SET, with result_ttl), and
//                                          CHANNEL  the same result, PUBLISHed
//   {name}:{workflow_id}:{run_id}:stream   STREAM   a streamed output: entries {event: chunk|done|error, data}
//   {name}:{workflow_id}:{run_id}:blob:*   STRING   a binary input value (blobs.ts)
//   {name}:cancel                          CHANNEL  {"task_id": ...}: the worker running it cancels it
//
// mc adds, where model-compose ignores them: `{result key}:heartbeat` (the
// worker running a run, refreshed while it runs: heartbeat.ts),
// `{name}:mc:workflows` (the workflows live mc workers serve: announcements.ts),
// `expires_at` on task messages (when the entry point stops waiting: a worker
// drops the task after it), a TTL on the queue list, `kind` and `seq` fields
// on stream entries (chunks.ts), `http_status` on failed results, a SET
// of the `streaming` result (model-compose only publishes it), and `recorded`
// on a `streaming` result whose events an mc worker records in the task store
// it shares with the mc entry point that created the task (claimed-task.ts).

/** What a producer LPUSHes. `input` may hold blob markers (blobs.ts). */
export interface TaskMessage {
  task_id: string
  run_id: string
  input: unknown
  /** mc's: milliseconds since the epoch on the Redis server's clock (redis-clock.ts) after which nobody waits for the result. */
  expires_at?: number
}

export type ResultStatus = 'completed' | 'failed' | 'interrupted' | 'streaming' | 'cancelled'

/** What a worker SETs and PUBLISHes under the result key. */
export interface ResultMessage {
  task_id: string
  run_id: string
  status: ResultStatus
  worker_id: string
  output?: unknown
  error?: string
  stream_key?: string
  /** mc's: the HTTP status the run failed with on the worker (422 bad input, 502 upstream, …). */
  http_status?: number
  /** mc's: the streamed output's events are in the shared task store, not in a Redis Stream. */
  recorded?: boolean
}

export const queueKey = (name: string, workflowId: string) => `${name}:${workflowId}`
export const resultKey = (name: string, workflowId: string, runId: string) => `${name}:${workflowId}:${runId}`
export const streamKey = (resultKey: string) => `${resultKey}:stream`
export const blobPrefix = (resultKey: string) => `${resultKey}:blob:`
export const heartbeatKey = (resultKey: string) => `${resultKey}:heartbeat`
export const cancelChannel = (name: string) => `${name}:cancel`
/** Three parts: no queue key (`{name}:{workflow_id}`: an mc workflow id has no ":") nor result key (a run id is a ULID) is named so. */
export const announcementsKey = (name: string) => `${name}:mc:workflows`

/** mc names a lone `workflow:` `__default__`; model-compose, whose queues these are, `__workflow__`. */
export function queueWorkflowId(localId: string): string {
  return localId === '__default__' ? '__workflow__' : localId
}

/** A JSON result or message; undefined when it is not a JSON object. */
export function parseObject<T>(text: string | null | undefined): T | undefined {
  if (typeof text !== 'string') return undefined
  try {
    const value = JSON.parse(text) as unknown
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as T) : undefined
  } catch {
    return undefined
  }
}

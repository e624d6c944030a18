// The compose keys of model-compose's queue (0.4.92, §7.3–7.4): `controller.queue`
// (an entry point dispatching runs) and the `queue-subscriber` adapter (a
// worker). Names and defaults are the source's (dsl/schema/controller/queue,
// adapter/impl/queue_subscriber), not the guide's where the two differ —
// but for `controller.queue.workflows`, mc's own, and `timeout`, 10 minutes
// in mc when not written (none in model-compose: build-controller.ts).

import { Type } from '@sinclair/typebox'
import { Duration } from '../../model/duration.ts'

const Driver = Type.Literal('redis', { errorMessage: 'expected "redis" (the only queue driver)' })
const WorkflowId = Type.String({ minLength: 1, errorMessage: 'expected a workflow id' })

/** Where Redis is: `url`, or `host`/`port`/`secure` (not both); `database` and `password` either way. */
const RedisConnection = {
  url: Type.Optional(Type.String({ pattern: '^rediss?://', errorMessage: 'expected a redis:// or rediss:// URL' })),
  host: Type.Optional(Type.String({ minLength: 1 })),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, errorMessage: 'expected a port number (1-65535)' })),
  secure: Type.Optional(Type.Boolean()),
  database: Type.Optional(Type.Integer({ minimum: 0, maximum: 15, errorMessage: 'expected a database number (0-15)' })),
  password: Type.Optional(Type.String()),
}

/** A size as model-compose writes one: bytes as a number, or text like "512K", "50M", "1GB". */
const Size = Type.Union([Type.Number({ minimum: 0 }), Type.String({ pattern: '^\\d+(\\.\\d+)?(GB|MB|KB|G|M|K|B)?$' })], {
  errorMessage: 'expected a size: bytes as a number, or text like "512K", "50M", "1GB"',
})

export const QueueSchema = Type.Object(
  {
    driver: Driver,
    name: Type.Optional(Type.String({ minLength: 1 })),
    timeout: Type.Optional(Duration),
    max_blob_size: Type.Optional(Type.Union([Size, Type.Null()], { errorMessage: 'expected a size such as "50M", or null for no limit' })),
    blob_ttl: Type.Optional(Duration),
    // mc's: the workflows this entry point sends to the queue whether or not a live mc worker announces them.
    workflows: Type.Optional(Type.Array(WorkflowId, { minItems: 1, errorMessage: 'expected a list of workflow ids' })),
    ...RedisConnection,
  },
  { additionalProperties: false },
)

export const QueueSubscriberSchema = Type.Object(
  {
    type: Type.Literal('queue-subscriber'),
    driver: Driver,
    name: Type.Optional(Type.String({ minLength: 1 })),
    result_ttl: Type.Optional(Duration),
    max_concurrent_count: Type.Optional(Type.Integer({ minimum: 1, errorMessage: 'expected a whole number, 1 or more' })),
    worker_id: Type.Optional(Type.String({ minLength: 1 })),
    workflow: Type.Optional(WorkflowId),
    workflows: Type.Optional(Type.Array(WorkflowId, { minItems: 1, errorMessage: 'expected a list of workflow ids' })),
    pop_timeout: Type.Optional(Duration),
    ...RedisConnection,
  },
  { additionalProperties: false },
)

/** Bytes of a `Size` value (already validated): model-compose's parse_size, K/M/G being powers of 1024. */
export function sizeInBytes(value: number | string): number {
  if (typeof value === 'number') return Math.floor(value)
  const match = /^(\d+(?:\.\d+)?)(GB|MB|KB|G|M|K|B)?$/.exec(value)!
  const unit = { G: 1024 ** 3, M: 1024 ** 2, K: 1024, B: 1, '': 1 }[(match[2] ?? '').charAt(0) as 'G' | 'M' | 'K' | 'B' | '']
  return Math.floor(Number(match[1]) * unit)
}

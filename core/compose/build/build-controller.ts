// Pass 6a: the validated `controller:` → the ControllerModel: the HTTP server,
// its Web UI, where its tasks live, and model-compose's queue (core/queue/):
// `queue` to dispatch runs, a queue-subscriber adapter to be a worker; and the
// mcp-server adapter (build-mcp-server.ts).

import { resolve } from 'node:path'
import { formatKeyPath } from '../../errors.ts'
import { ComposeError } from '../../model/compose-error.ts'
import { mcpServerOf } from './build-mcp-server.ts'
import { QueueSubscriberSchema, sizeInBytes } from './queue-schema.ts'
import { redisUrlOf, type RedisConnectionKeys } from '../../queue/redis-url.ts'
import { toMilliseconds } from '../../model/duration.ts'
import type { ControllerModel, OpenAiFrontConfig, QueueDispatchConfig, QueueSubscriberConfig, TaskStoreConfig, WebSocketConfig } from '../../model/compose-model.ts'
import { DEFAULT_ID } from '../../model/ids.ts'
import { subscriberPathOf } from '../normalize/controller.ts'
import type { Doc } from '../../model/doc.ts'
import { placeOf } from '../../model/places.ts'
import { ControllerSchema } from './schema.ts'
import { validate } from './validate.ts'

/** model-compose's name of a lone `workflow:`, which mc calls DEFAULT_ID. */
const LONE_WORKFLOW_ID = '__workflow__'

export function buildController(doc: Doc, baseDir: string): ControllerModel {
  const given = (doc.controller ?? {}) as Doc
  const raw = validate<Doc>(ControllerSchema, given, doc, ['controller'])
  const origins = raw.origins ?? '*'
  const webui = raw.webui as Doc | undefined
  const subscriber = given.subscriber === undefined ? undefined : subscriberOf(given.subscriber as Doc, doc)
  const mcp = given.mcp === undefined ? undefined : mcpServerOf(given.mcp as Doc)
  const asked = raw.type === 'http-server'
  // Without an http-server adapter, a Web UI beside an MCP server gets the HTTP API it calls on a free loopback port.
  const forWebUiOnly = !asked && mcp !== undefined && webui !== undefined
  return {
    type: 'http-server',
    host: forWebUiOnly ? '127.0.0.1' : ((raw.host as string) ?? '0.0.0.0'),
    port: forWebUiOnly ? 0 : ((raw.port as number) ?? 8080),
    basePath: normalizeBasePath((raw.base_path as string) ?? '/api'),
    origins: (Array.isArray(origins) ? origins : String(origins).split(',')).map((o) => o.trim()).filter(Boolean),
    maxConcurrentCount: (raw.max_concurrent_count as number) ?? 0,
    taskStore: taskStoreOf(raw.task_store as Doc | undefined, baseDir),
    serveHttp: asked || forWebUiOnly || (subscriber === undefined && mcp === undefined),
    shutdownTimeoutMs: toMilliseconds((raw.shutdown_timeout as number | string) ?? '30s'),
    ...(raw.queue ? { queue: queueOf(given.queue as Doc, raw.queue as Doc, doc) } : {}),
    ...(subscriber ? { subscriber } : {}),
    ...(mcp ? { mcp } : {}),
    ...(raw.websocket === false ? {} : { websocket: webSocketOf(raw.websocket === true ? {} : ((raw.websocket as Doc | undefined) ?? {})) }),
    ...(raw.openai === undefined || raw.openai === true ? {} : { openai: openAiFrontOf(given.openai as Doc | false, doc) }),
    ...(webui
      ? {
          webui: {
            driver: (webui.driver as 'gradio' | 'static') ?? 'gradio',
            host: (webui.host as string) ?? '0.0.0.0',
            port: (webui.port as number) ?? 8081,
            staticDir: (webui.static_dir as string) ?? 'webui',
          },
        }
      : {}),
  }
}

/** model-compose's WebSocket endpoint, on by default (its defaults: `/ws`, a ping every 30 s, 10 s for the pong). */
function webSocketOf(raw: Doc): WebSocketConfig {
  return {
    path: ((raw.path as string | undefined) ?? '/ws').replace(/\/+$/, '') || '/ws',
    ...(raw.max_connection_count !== undefined ? { maxConnections: raw.max_connection_count as number } : {}),
    pingIntervalMs: toMilliseconds((raw.ping_interval as number | string) ?? '30s'),
    pingTimeoutMs: toMilliseconds((raw.ping_timeout as number | string) ?? '10s'),
  }
}

/** The adapter validated under the key path it was written at (`controller.adapter`, `controller.adapters[1]`). */
function checkedSubscriber(subscriber: Doc): Doc {
  const path = subscriberPathOf(subscriber)
  // A root holding only the adapter at that path: places come from the adapter itself.
  const root = path.reduceRight<unknown>((inner, step) => (typeof step === 'number' ? Object.assign([], { [step]: inner }) : { [step]: inner }), subscriber)
  return validate<Doc>(QueueSubscriberSchema, subscriber, root, path)
}

/**
 * A dispatch that no worker answers must end: without `timeout`, mc waits 10
 * minutes (model-compose: for ever). `timeout: 0` still means no limit.
 */
const DEFAULT_QUEUE_TIMEOUT = '10m'

function queueOf(given: Doc, raw: Doc, doc: Doc): QueueDispatchConfig {
  const maxBlob = raw.max_blob_size === undefined ? '50M' : (raw.max_blob_size as number | string | null)
  const workflows = (raw.workflows as string[] | undefined) ?? []
  const own = workflowIdsOf(doc)
  workflows.forEach((id, i) => {
    if (own.has(id)) throw new ComposeError(`workflow "${id}" is this file's own: it runs here, not on the queue`, placeOf(given.workflows, i), `controller.queue.workflows[${i}]`)
  })
  return {
    redisUrl: connectionOf(given, raw, 'controller.queue'),
    name: (raw.name as string) ?? 'controller-queue',
    timeoutMs: toMilliseconds((raw.timeout as number | string) ?? DEFAULT_QUEUE_TIMEOUT),
    ...(maxBlob === null ? {} : { maxBlobBytes: sizeInBytes(maxBlob) }),
    blobTtlSeconds: toMilliseconds((raw.blob_ttl as number | string) ?? '1h') / 1000,
    workflows,
  }
}

function subscriberOf(given: Doc, doc: Doc): QueueSubscriberConfig {
  const raw = checkedSubscriber(given)
  const keyPath = formatKeyPath(subscriberPathOf(given))
  if (raw.workflow !== undefined && raw.workflows !== undefined) {
    throw new ComposeError('use either "workflow" (one) or "workflows" (a list), not both', placeOf(given, 'workflow', 'key'), `${keyPath}.workflow`)
  }
  const workflows = raw.workflows !== undefined ? (raw.workflows as string[]) : raw.workflow !== undefined ? [raw.workflow as string] : undefined
  const known = workflowIdsOf(doc)
  workflows?.forEach((id, i) => {
    if (known.has(id)) return
    const place = raw.workflows !== undefined ? placeOf(given.workflows, i) : placeOf(given, 'workflow')
    throw new ComposeError(`unknown workflow "${id}": this worker can only run the file's own (${[...known].join(', ') || 'none'})`, place, raw.workflows !== undefined ? `${keyPath}.workflows[${i}]` : `${keyPath}.workflow`)
  })
  return {
    redisUrl: connectionOf(given, raw, keyPath),
    name: (raw.name as string) ?? 'controller-queue',
    resultTtlSeconds: toMilliseconds((raw.result_ttl as number | string) ?? '1h') / 1000,
    maxConcurrentCount: (raw.max_concurrent_count as number) ?? 1,
    popTimeoutSeconds: toMilliseconds((raw.pop_timeout as number | string) ?? '1s') / 1000,
    ...(raw.worker_id ? { workerId: raw.worker_id as string } : {}),
    ...(workflows ? { workflows } : {}),
  }
}

/** The file's workflow ids as a worker's `workflows:` may name them (a lone workflow by either name). */
function workflowIdsOf(doc: Doc): Set<string> {
  const list = (doc.workflows as Doc[] | undefined) ?? ((doc.components as unknown[] | undefined)?.length ? [{ id: DEFAULT_ID }] : [])
  const ids = new Set(list.map((w) => String(w.id)))
  if (ids.has(DEFAULT_ID)) ids.add(LONE_WORKFLOW_ID)
  return ids
}

/** `controller.openai`: each renamed model must name a public workflow of the file. */
function openAiFrontOf(given: Doc | false, doc: Doc): OpenAiFrontConfig {
  if (given === false) return false
  const models = (given.models ?? {}) as Record<string, string>
  const workflows = (doc.workflows as Doc[] | undefined) ?? []
  const known = workflowIdsOf(doc)
  for (const [name, id] of Object.entries(models)) {
    const isPrivate = workflows.some((w) => w.id === id && w.private === true)
    if (known.has(id) && !isPrivate) continue
    const why = isPrivate ? `workflow "${id}" is private` : `unknown workflow "${id}" (workflows: ${[...known].join(', ') || 'none'})`
    throw new ComposeError(`${why}: a model must name a public workflow`, placeOf(given.models, name), `controller.openai.models.${name}`)
  }
  return { models }
}

function connectionOf(given: Doc, raw: Doc, keyPath: string): string {
  if (raw.url !== undefined && raw.host !== undefined) {
    throw new ComposeError('use either "url" or "host" (with port, secure), not both', placeOf(given, 'host', 'key'), `${keyPath}.host`)
  }
  return redisUrlOf(raw as RedisConnectionKeys)
}

/** mc's `task_store:`; by default a SQLite file in `.mc/` beside the (first) compose file. */
function taskStoreOf(raw: Doc | undefined, baseDir: string): TaskStoreConfig {
  if (raw?.driver === 'redis') return { driver: 'redis', url: raw.url as string, prefix: (raw.prefix as string) ?? 'mc' }
  return { driver: 'sqlite', path: resolve(baseDir, (raw?.path as string) ?? '.mc/tasks.sqlite') }
}

function normalizeBasePath(path: string): string {
  const trimmed = path.trim().replace(/\/+$/, '')
  if (!trimmed) return ''
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`
}

// The typed model a compose file loads into: what the runtime and the
// controller work from. Every template in it is already compiled.

import type { Template } from '../binding/template.ts'
import type { ComponentPlugin } from './component-plugin.ts'
import type { JobInterrupts, OnErrorPolicy, RetryPolicy } from './job-contract.ts'
import type { JobBody } from './job-contract.ts'
import type { InputField, OutputSchema } from './io-schema.ts'
import type { TracerConfig } from './tracer-config.ts'

export interface ComposeModel {
  /** The folder of the first compose file. */
  baseDir: string
  controller: ControllerModel
  components: Map<string, ComponentModel>
  workflows: Map<string, WorkflowModel>
  /** The workflow run when a request names none. */
  defaultWorkflowId?: string
  /** The environment the file was loaded with (for `${env.*}` left to run time). */
  env: Record<string, string | undefined>
  /** model-compose's `tracer:` / `tracers:`, plus one the OTEL_EXPORTER_OTLP_* variables ask for (core/trace/); none = no tracing. */
  tracers?: TracerConfig[]
}

export interface ControllerModel {
  type: 'http-server'
  host: string
  port: number
  basePath: string
  origins: string[]
  maxConcurrentCount: number
  webui?: { driver: 'gradio' | 'static'; host: string; port: number; staticDir: string }
  /** Where tasks live (mc's `task_store:`; core/tasks/). */
  taskStore: TaskStoreConfig
  /** False for a worker-only or MCP-only file: a `queue-subscriber` or `mcp-server` adapter and no `http-server` one (no HTTP port). */
  serveHttp: boolean
  /** model-compose's `controller.queue`: runs of workflows this file lacks go to Redis workers (core/queue/). */
  queue?: QueueDispatchConfig
  /** model-compose's `queue-subscriber` adapter: this process is a worker running queued runs (core/queue/). */
  subscriber?: QueueSubscriberConfig
  /** model-compose's `shutdown_timeout`: how long a stopping worker lets its runs finish. */
  shutdownTimeoutMs: number
  /** model-compose's `mcp-server` adapter: the workflows served as MCP tools (core/mcp/). */
  mcp?: McpServerConfig
  /** model-compose's WebSocket endpoint (core/websocket/); absent with `websocket: false`. */
  websocket?: WebSocketConfig
  /** mc's `openai:` the OpenAI-compatible front at `/v1` (core/openai/); absent = on, every public workflow a model by its id. */
  openai?: OpenAiFrontConfig
}

/** `controller.openai`: `false` turns the front off; `models` renames workflows (model name → workflow id). */
export type OpenAiFrontConfig = false | { models: Record<string, string> }

export interface WebSocketConfig {
  /** Under `basePath`, like every route. */
  path: string
  /** Connections at once beyond which a new one is closed with 4429 (MC_WS_MAX_CONNECTIONS bounds it anyway). */
  maxConnections?: number
  /** A connection quiet this long is pinged, and closed when no pong comes within `pingTimeoutMs`; 0 = never. */
  pingIntervalMs: number
  pingTimeoutMs: number
}

export interface McpServerConfig {
  /** `http`: Streamable HTTP at `basePath`; `stdio`: MCP on mc's own stdin/stdout. */
  transport: 'http' | 'stdio'
  host: string
  port: number
  basePath: string
  /** The controller's `name`, told to clients as the server's. */
  serverName: string
}

export interface QueueDispatchConfig {
  /** One URL with everything needed to connect (core/queue/redis-url.ts). */
  redisUrl: string
  /** Keys are `{name}:{workflow_id}`, `{name}:{workflow_id}:{run_id}`, … */
  name: string
  /** How long to wait for a result, and then for each chunk; 0 = no limit. */
  timeoutMs: number
  /** Largest binary input value sent through Redis; undefined = no limit. */
  maxBlobBytes?: number
  blobTtlSeconds: number
  /** mc's `workflows`: ids sent to the queue even when no live mc worker announces them (model-compose's workers announce nothing). */
  workflows: string[]
}

export interface QueueSubscriberConfig {
  redisUrl: string
  name: string
  /** How long results and streams stay in Redis; 0 = for good. */
  resultTtlSeconds: number
  /** Runs at once (each a BRPOP loop). */
  maxConcurrentCount: number
  /** Named in every result; a ULID per process when not given. */
  workerId?: string
  /** The workflows whose queues it serves; all of the file's when not given. */
  workflows?: string[]
  popTimeoutSeconds: number
}

export type TaskStoreConfig = { driver: 'sqlite'; path: string } | { driver: 'redis'; url: string; prefix: string }

export interface ComponentModel {
  id: string
  type: string
  plugin: ComponentPlugin
  settings: Record<string, unknown>
  /** 0 = unlimited. */
  maxConcurrentCount: number
  actions: Map<string, ActionModel>
}

export interface ActionModel {
  id: string
  /** Marked `default: true`: the action a job runs when it names none. */
  isDefault?: boolean
  /** The plugin's action keys, rendered per run against `input` and `env`. */
  fields: Template
  output: Template
}

export interface JobModel {
  id: string
  /** Its job type's name, as written (`component` when none was). */
  type: string
  /** A label for UIs. */
  name?: string
  /**
   * Groups of job ids, all of which must be satisfied; a group is satisfied
   * when one of its jobs is done (`depends_on: [a, [b, c]]` → [[a], [b, c]]).
   * Explicit `depends_on` plus, each as a group of one, the jobs its templates read.
   */
  dependsOn: string[][]
  /** mc's own: the job runs only when this is truthy. */
  condition?: Template
  retry?: RetryPolicy
  onError?: OnErrorPolicy
  /** model-compose's `interrupt`: pauses for a human's answer before / after each run. */
  interrupt?: JobInterrupts
  maxRunCount: number
  /** The jobs it may route to (if, switch, random-router, on_error.to). */
  routes: string[]
  /** What its type does (core/workflow/jobs/). */
  body: JobBody
}

export interface WorkflowModel {
  id: string
  /** model-compose's `name`: what the workflow is called as a tool (core/workflow/tool-schema.ts). */
  name?: string
  /** model-compose's `private`: hidden from clients (run, listing, Web UI); components still run it. */
  isPrivate?: boolean
  title?: string
  description?: string
  isDefault: boolean
  /** Maps the request's input to the `${input}` jobs see; absent = as given. */
  input?: Template
  output: Template
  /** In dependency order. */
  jobs: JobModel[]
  inputSchema: InputField[]
  outputSchema: OutputSchema
  /** Set when the output is declared as a stream (`;sse-text` / `;sse-json`). */
  streamFormat?: 'sse-text' | 'sse-json'
}

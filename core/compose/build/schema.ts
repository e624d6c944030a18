// TypeBox schemas of the parts of a compose file that core owns. Component
// keys beyond the common ones come from each component plugin's schemas.

import { Type } from '@sinclair/typebox'
import { QueueSchema } from './queue-schema.ts'
import { Duration } from '../../model/duration.ts'
import { Id } from '../../model/ids.ts'

const Port = Type.Integer({ minimum: 1, maximum: 65535, errorMessage: 'expected a port number (1-65535)' })
const Count = Type.Integer({ minimum: 0, errorMessage: 'expected a whole number, 0 or more' })
const Template = Type.Unknown()

const WebUiSchema = Type.Object(
  {
    driver: Type.Optional(Type.Union([Type.Literal('gradio'), Type.Literal('static')], { errorMessage: 'expected "gradio" or "static"' })),
    host: Type.Optional(Type.String()),
    port: Type.Optional(Port),
    static_dir: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
)

/** model-compose's `websocket:` of the http-server adapter: false turns the endpoint off (core/websocket/). */
const WebSocketSchema = Type.Union(
  [
    Type.Boolean(),
    Type.Object(
      {
        path: Type.Optional(Type.String({ pattern: '^/', errorMessage: 'expected a path starting with "/"' })),
        max_connection_count: Type.Optional(Type.Integer({ minimum: 1, errorMessage: 'expected a whole number, 1 or more' })),
        ping_interval: Type.Optional(Duration),
        ping_timeout: Type.Optional(Duration),
      },
      { additionalProperties: false },
    ),
  ],
  { errorMessage: 'expected true, false or {path, max_connection_count, ping_interval, ping_timeout}' },
)

/** mc's own: where tasks live. SQLite (a file, by default `.mc/tasks.sqlite` beside the compose file) or Redis. */
const TaskStoreSchema = Type.Union(
  [
    Type.Object({ driver: Type.Literal('sqlite'), path: Type.Optional(Type.String({ minLength: 1 })) }, { additionalProperties: false }),
    Type.Object({ driver: Type.Literal('redis'), url: Type.String({ pattern: '^rediss?://' }), prefix: Type.Optional(Type.String({ minLength: 1 })) }, { additionalProperties: false }),
  ],
  { errorMessage: 'expected {driver: sqlite, path?} or {driver: redis, url: redis://..., prefix?}' },
)

export const ControllerSchema = Type.Object(
  {
    type: Type.Optional(Type.Literal('http-server', { errorMessage: 'expected "http-server"' })),
    host: Type.Optional(Type.String()),
    port: Type.Optional(Port),
    base_path: Type.Optional(Type.String()),
    origins: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
    max_concurrent_count: Type.Optional(Count),
    webui: Type.Optional(WebUiSchema),
    task_store: Type.Optional(TaskStoreSchema),
    queue: Type.Optional(QueueSchema),
    /** A `queue-subscriber` adapter, moved here by normalize/controller.ts; build-controller.ts checks it (QueueSubscriberSchema) under the key it was written at. */
    subscriber: Type.Optional(Type.Unknown()),
    /** An `mcp-server` adapter, moved here by normalize/controller.ts; build-mcp-server.ts checks it (McpServerSchema). */
    mcp: Type.Optional(Type.Unknown()),
    shutdown_timeout: Type.Optional(Duration),
    websocket: Type.Optional(WebSocketSchema),
    /** mc's own: the OpenAI-compatible front at /v1 (core/openai/), on unless `false`; `models` renames workflows as models. */
    openai: Type.Optional(
      Type.Union([Type.Boolean(), Type.Object({ models: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Id)) }, { additionalProperties: false })], {
        errorMessage: 'expected false, true or {models: {<model name>: <workflow id>}}',
      }),
    ),
  },
  { additionalProperties: false },
)

/** The keys every component has, whatever its type. */
export const ComponentCommonSchema = Type.Object({
  id: Id,
  type: Type.String({ minLength: 1 }),
  max_concurrent_count: Type.Optional(Count),
  /** The component a job that names none runs (normalize/default-component.ts). */
  default: Type.Optional(Type.Boolean()),
  output: Type.Optional(Template),
  actions: Type.Optional(Type.Array(Type.Object({ id: Id }, { additionalProperties: true }), { minItems: 1 })),
})

/** The keys every action has besides its plugin's ones. */
export const ActionCommonSchema = Type.Object({ id: Id, default: Type.Optional(Type.Boolean()), output: Type.Optional(Template) })

export const ComposeSchema = Type.Object(
  {
    controller: Type.Optional(ControllerSchema),
    components: Type.Optional(Type.Array(Type.Object({ id: Id, type: Type.String() }, { additionalProperties: true }))),
    workflows: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }))),
    plugins: Type.Optional(Type.Array(Type.String(), { errorMessage: 'expected a list of module specifiers' })),
    /** model-compose's tracers, each checked by build-tracers.ts (tracer-schema.ts). */
    tracers: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }), { errorMessage: 'expected a list of tracers' })),
  },
  { additionalProperties: false },
)

// `runtime: process` on a model component (model-compose 0.4.92's
// ProcessRuntimeConfig): the model loads and generates in a child process.
// working_dir, env, start_timeout and stop_timeout mean what they mean there;
// max_memory and cpu_limit are refused by settings-check.ts (mc does not cap a
// child's memory or CPU: that needs cgroups mc may not have).

import { Duration, Type, type Static } from '../../../core/plugin/api.ts'

export const ProcessRuntimeSchema = Type.Object(
  {
    type: Type.Literal('process'),
    /** The child's working folder, relative to the compose file. */
    working_dir: Type.Optional(Type.String({ minLength: 1 })),
    /** Variables for the child only, over mc's own environment. */
    env: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]))),
    /** How long the child may take to start and load its model (default 60s). */
    start_timeout: Type.Optional(Duration),
    /** Between SIGTERM and SIGKILL when it stops (default 30s). */
    stop_timeout: Type.Optional(Duration),
    max_memory: Type.Optional(Type.Unknown()),
    cpu_limit: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
)

export type ProcessRuntime = Static<typeof ProcessRuntimeSchema>

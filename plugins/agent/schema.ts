// The keys of an agent component (model-compose 0.4.92's AgentComponentConfig
// and AgentActionConfig). `model.input` / `model.output` are templates mc
// leaves as written: the agent renders them each iteration with its own
// `${messages}` and `${tools}` (model-call.ts). The older names of the
// reference docs are accepted: `system_prompt` for `instructions`,
// `user_prompt` for `prompt`.

import { Type, type Static } from '../../core/plugin/api.ts'

export const DEFAULT_MAX_ITERATION_COUNT = 32

const IterationCount = Type.Integer({ minimum: 1, errorMessage: 'expected a number of iterations: a whole number, 1 or more' })

export const AgentModelSchema = Type.Object(
  {
    component: Type.String({ minLength: 1 }),
    action: Type.Optional(Type.String({ minLength: 1 })),
    input: Type.Optional(Type.Unknown()),
    output: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
)

export const AgentSettingsSchema = Type.Object({
  model: AgentModelSchema,
  /** Workflow ids; model-compose's inline tool schemas (tools a person answers) are refused at load. */
  tools: Type.Optional(Type.Array(Type.Unknown(), { errorMessage: 'expected a list of workflow ids' })),
  max_iteration_count: Type.Optional(IterationCount),
  /** The system message of every action, a template reading `input` and `env` (agent-prompts.ts). */
  instructions: Type.Optional(Type.Unknown()),
})

export const AgentActionSchema = Type.Object({
  /** The reference docs' action-level system message: it stands for `instructions`. */
  system_prompt: Type.Optional(Type.Unknown()),
  /** The user message. */
  prompt: Type.Optional(Type.Unknown()),
  user_prompt: Type.Optional(Type.Unknown()),
  max_iteration_count: Type.Optional(IterationCount),
  /** True: the result is a stream of the messages, each as it is made. */
  streaming: Type.Optional(Type.Boolean()),
})

export type AgentSettings = Static<typeof AgentSettingsSchema>
export type AgentAction = Static<typeof AgentActionSchema>

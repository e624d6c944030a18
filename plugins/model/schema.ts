// The keys of a `model` component (SPEC §1 "model").

import { Type, type Static } from '@sinclair/typebox'

export const TASKS = ['text-generation', 'chat-completion', 'translation', 'summarization'] as const
export type TaskName = (typeof TASKS)[number]

export const ModelSettingsSchema = Type.Object({
  task: Type.Union(
    TASKS.map((t) => Type.Literal(t)),
    { errorMessage: `expected one of ${TASKS.join(', ')}` },
  ),
  /** A Hugging Face model id, or a local folder (relative to the compose file). */
  model: Type.String({ minLength: 1 }),
  device: Type.Optional(Type.String({ minLength: 1 })),
  /** Which ONNX weights: fp32 (default), fp16, q8, q4 ... */
  dtype: Type.Optional(Type.String({ minLength: 1 })),
  revision: Type.Optional(Type.String({ minLength: 1 })),
})

export type ModelSettings = Static<typeof ModelSettingsSchema>

const Message = Type.Object({ role: Type.String(), content: Type.Unknown() })

export const ModelParamsSchema = Type.Object(
  {
    max_output_length: Type.Optional(Type.Integer({ minimum: 1 })),
    min_output_length: Type.Optional(Type.Integer({ minimum: 0 })),
    do_sample: Type.Optional(Type.Boolean()),
    num_beams: Type.Optional(Type.Integer({ minimum: 1 })),
    temperature: Type.Optional(Type.Number({ minimum: 0 })),
    top_p: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    top_k: Type.Optional(Type.Integer({ minimum: 0 })),
    repetition_penalty: Type.Optional(Type.Number({ minimum: 0 })),
    batch_size: Type.Optional(Type.Integer({ minimum: 1 })),
    src_lang: Type.Optional(Type.String()),
    tgt_lang: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
)

export type ModelParams = Static<typeof ModelParamsSchema>

export const ModelActionSchema = Type.Object({
  text: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
  messages: Type.Optional(Type.Array(Message)),
  /** true/false, or a binding such as `${input.stream | false}` rendered per run. */
  streaming: Type.Optional(Type.Union([Type.Boolean(), Type.String()])),
  params: Type.Optional(ModelParamsSchema),
})

export type ModelAction = Static<typeof ModelActionSchema>

// The keys of one action of a `model` component. model-compose moved the
// lengths and the batch size out of `params` (0.4.10 params → 0.4.92 action
// keys, and its 0.4.10 examples put `max_input_length` in `params`): both
// places are read (action-params.ts), a key given in both is an error.

import { Type, type Static } from '@sinclair/typebox'
import { ToolSchema } from './schema.ts'

/**
 * A chat message; other keys (tool_calls, tool_call_id, name, ...) reach the chat template as given.
 * Without a role, 0.4.10's tool call ({name, call_id, arguments}) is the assistant's, its tool result the tool's.
 */
const Message = Type.Object({ role: Type.Optional(Type.String()), content: Type.Optional(Type.Unknown()) })

const Length = Type.Integer({ minimum: 1 })

const ModelParamsSchema = Type.Object(
  {
    max_input_length: Type.Optional(Length),
    max_output_length: Type.Optional(Length),
    min_output_length: Type.Optional(Type.Integer({ minimum: 0 })),
    num_return_sequences: Type.Optional(Length),
    do_sample: Type.Optional(Type.Boolean()),
    num_beams: Type.Optional(Type.Integer({ minimum: 1 })),
    temperature: Type.Optional(Type.Number({ minimum: 0 })),
    top_p: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    top_k: Type.Optional(Type.Integer({ minimum: 0 })),
    repetition_penalty: Type.Optional(Type.Number({ minimum: 0 })),
    length_penalty: Type.Optional(Type.Number()),
    early_stopping: Type.Optional(Type.Boolean()),
    batch_size: Type.Optional(Type.Integer({ minimum: 1 })),
    src_lang: Type.Optional(Type.String()),
    tgt_lang: Type.Optional(Type.String()),
    /** text-embedding: mean | cls | max (default: the model's sentence-transformers pooling, else mean). */
    pooling: Type.Optional(Type.String()),
    /** text-embedding: L2-normalise the vectors; text-reranking: a sigmoid over the logits. Default true. */
    normalize: Type.Optional(Type.Union([Type.Boolean(), Type.String()])),
    /** text-classification, where 0.4.10's example puts it (0.4.92: an action key). */
    return_probabilities: Type.Optional(Type.Union([Type.Boolean(), Type.String()])),
  },
  { additionalProperties: false },
)

export type ModelParams = Static<typeof ModelParamsSchema>

/** The params that may also stand as action keys (model-compose 0.4.92 has them there). */
export const ACTION_LEVEL_PARAMS = ['max_input_length', 'max_output_length', 'min_output_length', 'num_return_sequences', 'batch_size'] as const

export const ModelActionSchema = Type.Object({
  text: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
  /** model-compose 0.4.92's name for the text of text-generation. */
  prompt: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
  // A binding (a string) stands for a whole value too; without it in the union, a binding would be read as a list of one.
  /** One message or a list of them. */
  messages: Type.Optional(Type.Union([Message, Type.Array(Message), Type.String()])),
  /** chat-completion: tool names from the component's `tools`, or tool definitions. */
  tools: Type.Optional(Type.Union([Type.Array(Type.String()), Type.Array(ToolSchema), Type.String()])),
  /** true/false, or a binding such as `${input.stream | false}` rendered per run. */
  streaming: Type.Optional(Type.Union([Type.Boolean(), Type.String()])),
  stop_sequences: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
  max_input_length: Type.Optional(Length),
  max_output_length: Type.Optional(Length),
  min_output_length: Type.Optional(Type.Integer({ minimum: 0 })),
  num_return_sequences: Type.Optional(Length),
  batch_size: Type.Optional(Type.Integer({ minimum: 1 })),
  params: Type.Optional(ModelParamsSchema),
  // text-embedding (pooling) and text-reranking (normalize): in `params`, or here as 0.4.92's examples write them
  pooling: Type.Optional(Type.String()),
  normalize: Type.Optional(Type.Union([Type.Boolean(), Type.String()])),
  // text-classification
  return_probabilities: Type.Optional(Type.Union([Type.Boolean(), Type.String()])),
  // text-reranking (top_k also: text-classification's best labels)
  query: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
  /** A list of texts or objects (a list of lists when `query` is a list), or a binding. */
  documents: Type.Optional(Type.Union([Type.Array(Type.Unknown()), Type.String()])),
  document_field: Type.Optional(Type.String({ minLength: 1 })),
  top_k: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.String()])),
  score_threshold: Type.Optional(Type.Union([Type.Number(), Type.String()])),
  return_documents: Type.Optional(Type.Union([Type.Boolean(), Type.String()])),
})

export type ModelAction = Static<typeof ModelActionSchema>

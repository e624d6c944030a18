// The keys of a `model-tokenizer` component (model-compose 0.4.92's
// reference/components/model-tokenizer.md) and of its actions: one `method`
// each, encode, decode or count, with that method's keys.

import { Type, type Static } from '@sinclair/typebox'
import { ModelSettingsSchema } from '../model/engine/schema.ts'

const Flag = Type.Union([Type.Boolean(), Type.String()], { errorMessage: 'expected true or false, or a binding' })
const Count = Type.Union([Type.Integer({ minimum: 1 }), Type.String()], { errorMessage: 'expected a whole number of at least 1, or a binding' })

export const TokenizerSettingsSchema = Type.Object({
  task: Type.String({ minLength: 1 }),
  driver: Type.Optional(Type.String({ minLength: 1 })),
  model: ModelSettingsSchema.properties.model,
  use_fast: Type.Optional(Flag),
})

export type TokenizerSettings = Static<typeof TokenizerSettingsSchema>

export const METHODS = ['encode', 'decode', 'count'] as const

export const TokenizerActionSchema = Type.Object({
  method: Type.String({ minLength: 1 }),
  // encode, count
  text: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
  max_length: Type.Optional(Count),
  padding: Type.Optional(Flag),
  truncation: Type.Optional(Flag),
  additional_returns: Type.Optional(Type.Union([Type.Array(Type.String()), Type.String()])),
  // decode
  token_ids: Type.Optional(Type.Union([Type.Array(Type.Unknown()), Type.String()])),
  skip_special_tokens: Type.Optional(Flag),
  batch_size: Type.Optional(Count),
})

export type TokenizerAction = Static<typeof TokenizerActionSchema>

// The keys of an `openai-embeddings` component: settings, given once per
// component, and action keys, rendered per run. One set of rules checks an
// action's values twice: its literals when mc loads the compose file, and what
// its `${...}` templates render to at each run.

import { Duration, Type, type Static, type TSchema } from 'mc/plugin'

const MiB = 1024 * 1024

export const DEFAULT_TIMEOUT_SECONDS = 60
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * MiB

// A `${env.X}` naming an unset variable loads as null: such a key counts as absent.
const Nullable = <T extends TSchema>(schema: T, errorMessage: string) => Type.Optional(Type.Union([schema, Type.Null()], { errorMessage }))

export const SettingsSchema = Type.Object({
  base_url: Type.String({ errorMessage: 'expected the URL the /embeddings path is under, e.g. https://api.openai.com/v1' }),
  api_key: Nullable(Type.String(), 'expected the API key as text'),
  headers: Nullable(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()])), 'expected a map of header names to values'),
  timeout: Type.Optional(Duration),
  max_response_bytes: Type.Optional(Type.Integer({ minimum: 1, errorMessage: 'expected a number of bytes, 1 or more' })),
})

export type Settings = Static<typeof SettingsSchema>

// Types only: mc lets a `${...}` template through at load; `actionProblem` checks it once
// rendered, and checks the ranges of literals and rendered values alike.
export const ActionSchema = Type.Object({
  model: Type.String({ errorMessage: 'expected the model name as text' }),
  input: Type.Union([Type.String(), Type.Array(Type.String())], { errorMessage: 'expected a text or a list of texts' }),
  dimensions: Type.Optional(Type.Integer({ errorMessage: 'expected a whole number, 1 or more' })),
  batch_size: Type.Optional(Type.Integer({ errorMessage: 'expected a whole number, 1 or more' })),
})

export type Action = Static<typeof ActionSchema>

/** An action's values as the request needs them. */
export interface EmbeddingRequest {
  model: string
  /** The texts, in order; `single` when the action gave one text rather than a list. */
  texts: string[]
  single: boolean
  dimensions?: number
  batchSize?: number
}

/** What is wrong with a value, and where: `['input', 2]` is the third text. */
export interface Problem {
  path: (string | number)[]
  message: string
}

/** "input[2]" from ['input', 2]. */
export const keyOf = (path: Problem['path']) => path.map((step) => (typeof step === 'number' ? `[${step}]` : step)).join('')

const isTemplate = (value: unknown) => typeof value === 'string' && value.includes('${')

/**
 * The first key holding a value the plugin cannot use, and why. With
 * `literalsOnly` (at load), a value still holding a `${...}` template passes:
 * it is checked once rendered.
 */
export function actionProblem(action: Record<string, unknown>, literalsOnly = false): Problem | undefined {
  const skip = (value: unknown) => literalsOnly && isTemplate(value)
  const { model, input } = action
  if (!skip(model) && (typeof model !== 'string' || model.trim() === '')) return { path: ['model'], message: `expected the model name as text, got ${describe(model)}` }
  if (!skip(input)) {
    if (Array.isArray(input)) {
      const at = input.findIndex((text) => typeof text !== 'string')
      if (at >= 0) return { path: ['input', at], message: `expected text, got ${describe(input[at])}` }
    } else if (typeof input !== 'string') return { path: ['input'], message: `expected a text or a list of texts, got ${describe(input)}` }
  }
  for (const key of ['dimensions', 'batch_size']) {
    const value = action[key]
    if (value === undefined || value === null || skip(value)) continue
    if (wholeNumber(value) === undefined) return { path: [key], message: `expected a whole number, 1 or more, got ${describe(value)}` }
  }
  return undefined
}

/** A rendered action → the request; a value the plugin cannot use throws `problem`. */
export function embeddingRequestOf(action: Record<string, unknown>, problem: (found: Problem) => Error): EmbeddingRequest {
  const found = actionProblem(action)
  if (found) throw problem(found)
  const { model, input } = action as { model: string; input: string | string[] }
  const dimensions = wholeNumber(action.dimensions)
  const batchSize = wholeNumber(action.batch_size)
  return {
    model,
    texts: Array.isArray(input) ? input : [input],
    single: !Array.isArray(input),
    ...(dimensions !== undefined ? { dimensions } : {}),
    ...(batchSize !== undefined ? { batchSize } : {}),
  }
}

/** A whole number, 1 or more, given as a number or as text (what a `${input.x}` of a form gives). */
function wholeNumber(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN
  return Number.isInteger(n) && n >= 1 ? n : undefined
}

function describe(value: unknown): string {
  return JSON.stringify(value)?.slice(0, 60) ?? String(value)
}

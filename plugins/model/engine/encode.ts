// Runs an encoder over many inputs, `batch_size` at a time (model-compose's
// default: 32), each padded and truncated to the model's max length (or the
// action's `max_input_length`, never more than the model takes). Between two
// batches the run's AbortSignal is checked: a cancelled run stops there.

import type { RunContext } from '../../../core/plugin/api.ts'
import { paramsOf } from './action-params.ts'
import type { ModelAction } from './action-schema.ts'
import type { Encoded, LoadedModel } from './load.ts'
import { countOf } from './rendered-values.ts'

/** A tensor as transformers.js gives it. */
export interface Tensor {
  data: ArrayLike<number | bigint>
  dims: number[]
}

export interface EncoderConfig {
  max_position_embeddings?: number
  id2label?: Record<string, string>
  problem_type?: string
}

interface Encoder {
  (inputs: Encoded): Promise<{ last_hidden_state?: Tensor; logits?: Tensor }>
  config: EncoderConfig
}

export const DEFAULT_BATCH_SIZE = 32

export const encoderOf = (model: LoadedModel) => model.model as unknown as Encoder

/** The longest input in tokens: the action's max_input_length, the tokenizer's and the model's limits, whichever is least. */
function maxLengthOf(model: LoadedModel, action: ModelAction): number | null {
  const limits = [countOf(paramsOf(action).max_input_length, 'max_input_length'), (model.tokenizer as unknown as { model_max_length?: number }).model_max_length, encoderOf(model).config.max_position_embeddings]
  const least = Math.min(...limits.map((limit) => Number(limit ?? Infinity)).filter((limit) => limit > 0))
  return Number.isFinite(least) ? least : null
}

/**
 * `read` turns one batch's outputs into one result per input. `pairs`: the second text of each
 * input (a reranker's documents), encoded after the first as one sequence.
 */
export async function encodeInBatches<T>(
  model: LoadedModel,
  action: ModelAction,
  texts: string[],
  pairs: string[] | undefined,
  { signal }: Pick<RunContext, 'signal'>,
  read: (outputs: { last_hidden_state?: Tensor; logits?: Tensor }, encoded: Encoded) => T[],
): Promise<T[]> {
  const batch = countOf(paramsOf(action).batch_size, 'batch_size') ?? DEFAULT_BATCH_SIZE
  const options = { padding: true, truncation: true, max_length: maxLengthOf(model, action) }
  const results: T[] = []
  for (let at = 0; at < texts.length; at += batch) {
    signal.throwIfAborted()
    const slice = texts.slice(at, at + batch)
    const encoded = model.tokenizer(slice, pairs ? { ...options, text_pair: pairs.slice(at, at + batch) } : options)
    results.push(...read(await encoderOf(model)(encoded), encoded))
  }
  return results
}

/** The rows of a [rows, columns] tensor. */
export function rowsOf(tensor: Tensor): number[][] {
  const [rows = 0, columns = 1] = tensor.dims
  const { data } = tensor // a getter: read once
  return Array.from({ length: rows }, (_, r) => Array.from({ length: columns }, (_, c) => Number(data[r * columns + c])))
}

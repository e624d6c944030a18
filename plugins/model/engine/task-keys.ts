// Which action keys belong to which tasks. A model component takes the keys of
// every task (one schema), so a key of another task is refused at load, naming
// it, rather than silently ignored.

import { ConfigurationError } from '../../../core/plugin/api.ts'
import type { ModelAction } from './action-schema.ts'

const RERANKING = 'text-reranking'
const CLASSIFICATION = 'text-classification'
const EMBEDDING = 'text-embedding'

/** Action keys and params of the encoder tasks, and the tasks they are for. */
const ENCODER_KEYS: Record<string, readonly string[]> = {
  return_probabilities: [CLASSIFICATION],
  top_k: [CLASSIFICATION, RERANKING],
  query: [RERANKING],
  documents: [RERANKING],
  document_field: [RERANKING],
  score_threshold: [RERANKING],
  return_documents: [RERANKING],
  // params, which model-compose's examples write as action keys too
  pooling: [EMBEDDING],
  normalize: [EMBEDDING, RERANKING],
}
const ENCODER_PARAMS: Record<string, readonly string[]> = { pooling: [EMBEDDING], normalize: [EMBEDDING, RERANKING] }

/** `pooling` or `normalize`, from `params` or the action (0.4.92's text-embedding-lfm2 example); given in both, an error. */
export function encoderParamOf(action: ModelAction, key: 'pooling' | 'normalize'): unknown {
  const inParams = action.params?.[key]
  if (inParams !== undefined && action[key] !== undefined) throw new ConfigurationError(`${key} is given twice, as an action key and in params: keep one`, [key])
  return inParams ?? action[key]
}

/** What only the text-generating tasks read. */
const GENERATION_KEYS = ['prompt', 'messages', 'tools', 'streaming', 'stop_sequences', 'max_output_length', 'min_output_length', 'num_return_sequences'] as const
const GENERATION_PARAMS = ['max_output_length', 'min_output_length', 'num_return_sequences', 'do_sample', 'num_beams', 'temperature', 'top_p', 'top_k', 'repetition_penalty', 'length_penalty', 'early_stopping', 'src_lang', 'tgt_lang'] as const

/** Throws, naming the key, when the action has a key that `task` does not read. */
export function checkTaskKeys(task: string, action: ModelAction, encoder: boolean): void {
  const params = (action.params ?? {}) as Record<string, unknown>
  const given = action as Record<string, unknown>
  for (const [key, tasks] of Object.entries(ENCODER_KEYS)) {
    if (given[key] !== undefined && !tasks.includes(task)) throw new ConfigurationError(`"${key}" is a key of ${tasks.join(' and ')}, not of ${task}${key === 'top_k' && !encoder ? ' (sampling reads params.top_k)' : ''}`, [key])
  }
  for (const [key, tasks] of Object.entries(ENCODER_PARAMS)) {
    if (params[key] !== undefined && !tasks.includes(task)) throw new ConfigurationError(`"${key}" is a param of ${tasks.join(' and ')}, not of ${task}`, ['params', key])
  }
  if (!encoder) return
  const key = GENERATION_KEYS.find((k) => given[k] !== undefined)
  if (key) throw new ConfigurationError(`"${key}" is for the tasks that generate text, not ${task}`, [key])
  const param = GENERATION_PARAMS.find((k) => params[k] !== undefined)
  if (param) throw new ConfigurationError(`"${param}" is for the tasks that generate text, not ${task}`, ['params', param])
}

// An action's generation parameters, wherever the file puts them: in `params`
// (mc, model-compose 0.4.10) or as action keys (model-compose 0.4.92).

import { ConfigurationError } from '../../../core/plugin/api.ts'
import { ACTION_LEVEL_PARAMS, type ModelAction, type ModelParams } from './action-schema.ts'

/** `params` with the action-level keys merged in; a key given in both places is an error. */
export function paramsOf(action: ModelAction): ModelParams {
  const params: ModelParams = { ...action.params }
  for (const key of ACTION_LEVEL_PARAMS) {
    const value = action[key]
    if (value === undefined || value === null) continue
    if (params[key] !== undefined) throw new ConfigurationError(`${key} is given twice, as an action key and in params: keep one`, [key])
    params[key] = value
  }
  return params
}

/** The transformers.js generate() options of these params. */
export function generationOptions(params: ModelParams): Record<string, unknown> {
  const options: Record<string, unknown> = {}
  if (params.max_output_length !== undefined) options.max_new_tokens = params.max_output_length
  if (params.min_output_length !== undefined) options.min_new_tokens = params.min_output_length
  for (const key of ['do_sample', 'num_beams', 'temperature', 'top_p', 'top_k', 'repetition_penalty', 'length_penalty', 'early_stopping'] as const) {
    if (params[key] !== undefined) options[key] = params[key]
  }
  return options
}

/** Why these values cannot run (naming the key), or undefined when they can. */
export function paramsProblem(action: ModelAction, streaming: boolean): ConfigurationError | undefined {
  const params = paramsOf(action)
  const at = (key: keyof ModelParams) => (action[key as keyof ModelAction] !== undefined ? [key] : ['params', key])
  // A binding not rendered yet (at load) counts as 1: it is checked when a run renders it.
  const count = (value: unknown) => (value === undefined || (typeof value === 'string' && value.includes('${')) ? 1 : Number(value))
  // model-compose keeps the first of several sequences for a single input and drops the rest.
  if (count(params.num_return_sequences) !== 1) return new ConfigurationError(`mc returns one text per input: num_return_sequences must be 1 (got ${params.num_return_sequences})`, at('num_return_sequences'))
  if (!streaming) return undefined
  if (count(params.batch_size) !== 1) return new ConfigurationError(`streaming needs batch_size: 1 (got ${params.batch_size})`, at('batch_size'))
  if (count(params.num_beams) > 1) return new ConfigurationError(`streaming needs num_beams: 1 (got ${params.num_beams})`, ['params', 'num_beams'])
  if (Array.isArray(action.text ?? action.prompt)) return new ConfigurationError('streaming needs a single input text, not a list', [action.text !== undefined ? 'text' : 'prompt'])
  return undefined
}

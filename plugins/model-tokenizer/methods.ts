// The three methods of model-compose's model-tokenizer, one result per input
// (a list for a list): encode → {input_ids, attention_mask, + additional_returns},
// decode → {text}, count → {count} (special tokens included, as
// model-compose's tokenizer call adds them).

import { ConfigurationError, flagOf, invalidInput } from '../../core/plugin/api.ts'
import type { StandaloneTokenizer } from '../model/engine/load-tokenizer.ts'
import { countOf, MAX_INPUTS, textsOf } from '../model/engine/rendered-values.ts'
import type { TokenizerAction } from './schema.ts'

/** What encode can add (`offset_mapping`, model-compose's other one, transformers.js does not compute). */
export const ADDITIONAL_RETURNS = ['token_type_ids', 'special_tokens_mask', 'length'] as const

type Encoded = Record<string, number[][]>

export function additionalReturnsOf(value: unknown, at: (message: string) => Error): string[] {
  const list = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]
  const unknown = list.find((key) => !(ADDITIONAL_RETURNS as readonly unknown[]).includes(key))
  if (unknown !== undefined) throw at(`${JSON.stringify(unknown)} is not one mc returns (it returns ${ADDITIONAL_RETURNS.join(', ')}; transformers.js computes no offset_mapping)`)
  return list as string[]
}

export function encode(tokenizer: StandaloneTokenizer, action: TokenizerAction): { result: unknown } {
  const { texts, single } = textsOf(action.text, 'text')
  const maxLength = countOf(action.max_length, 'max_length')
  const padding = flagOf(action.padding, 'padding', false)
  const truncation = flagOf(action.truncation, 'truncation', false)
  const extra = additionalReturnsOf(action.additional_returns, (message) => invalidInput(`additional_returns: ${message}`))
  if (texts.length === 0) return { result: [] }
  // Without truncation a text keeps every token; its length is bounded by the request's size.
  const options = {
    return_tensor: false,
    ...(padding ? { padding: maxLength ? 'max_length' : true } : {}),
    ...(truncation ? { truncation: true } : {}),
    ...(maxLength ? { max_length: maxLength } : {}),
    ...(extra.includes('token_type_ids') ? { return_token_type_ids: true } : {}),
  }
  const encoded = tokenizer(texts, options) as unknown as Encoded
  const special = new Set(tokenizer.all_special_ids.map(Number))
  const results = texts.map((_, i) => {
    const ids = encoded.input_ids![i]!.map(Number)
    const result: Record<string, unknown> = { input_ids: ids, attention_mask: encoded.attention_mask![i]!.map(Number) }
    for (const key of extra) {
      if (key === 'length') result.length = ids.length
      else if (key === 'special_tokens_mask') result.special_tokens_mask = ids.map((id) => (special.has(id) ? 1 : 0))
      else if (encoded[key]) result[key] = encoded[key]![i]!.map(Number)
    }
    return result
  })
  return { result: single ? results[0] : results }
}

export function decode(tokenizer: StandaloneTokenizer, action: TokenizerAction): { result: unknown } {
  const given = action.token_ids
  if (!Array.isArray(given)) throw invalidInput('token_ids: expected a list of token ids, or a list of such lists')
  const single = !given.some(Array.isArray)
  const sequences = (single ? [given] : given) as unknown[][]
  if (sequences.length > MAX_INPUTS) throw invalidInput(`token_ids: ${sequences.length} sequences in one call; at most ${MAX_INPUTS}`)
  const skip = flagOf(action.skip_special_tokens, 'skip_special_tokens', true)
  const results = sequences.map((ids, s) => {
    if (!Array.isArray(ids)) throw invalidInput(`token_ids[${s}]: expected a list of token ids`)
    const bad = ids.findIndex((id) => !Number.isInteger(id) || (id as number) < 0)
    if (bad >= 0) throw invalidInput(`token_ids${single ? '' : `[${s}]`}[${bad}]: expected a token id (a whole number, 0 or more), got ${JSON.stringify(ids[bad])}`)
    return { text: tokenizer.decode(ids.map((id) => BigInt(id as number)), { skip_special_tokens: skip }) }
  })
  return { result: single ? results[0] : results }
}

export function count(tokenizer: StandaloneTokenizer, action: TokenizerAction): { result: unknown } {
  const { texts, single } = textsOf(action.text, 'text')
  const counts = texts.map((text) => ({ count: (tokenizer([text], { return_tensor: false }) as unknown as Encoded).input_ids![0]!.length }))
  return { result: single ? counts[0] : counts }
}

/** Load-time check of an action's keys against its method. */
export function checkMethodKeys(action: TokenizerAction): void {
  const needs = action.method === 'decode' ? 'token_ids' : 'text'
  if (action[needs] === undefined) throw new Error(`method ${action.method} needs "${needs}"`)
  const others: Record<string, readonly (keyof TokenizerAction)[]> = {
    encode: ['token_ids', 'skip_special_tokens'],
    decode: ['text', 'max_length', 'padding', 'truncation', 'additional_returns'],
    count: ['token_ids', 'skip_special_tokens', 'max_length', 'padding', 'truncation', 'additional_returns'],
  }
  const stray = others[action.method]!.find((key) => action[key] !== undefined)
  if (stray) throw new ConfigurationError(`"${stray}" is not a key of method ${action.method}`, [stray])
  if (Array.isArray(action.additional_returns)) additionalReturnsOf(action.additional_returns, (message) => new ConfigurationError(message, ['additional_returns']))
}

// One generation call on a loaded model: tokenize, generate, decode. What
// transformers.js's text-generation and text2text-generation pipelines do,
// with the input length mc needs to set (`max_input_length`: the first N
// tokens are kept, as model-compose's tokenizer call with truncation does),
// which the text2text pipeline does not take.

import type { Encoded, LoadedModel } from './load.ts'

export interface GenerationInput {
  texts: string[]
  /** false when a chat template rendered the prompt: it holds its special tokens already. */
  addSpecialTokens?: boolean
  maxInputLength?: number
  /** Multilingual translation tokenizers (NLLB, M2M100, mBART) take the languages. */
  languages?: { src_lang?: string; tgt_lang?: string }
}

/** transformers.js's pipeline default when the file gives no max_output_length. */
export const DEFAULT_MAX_NEW_TOKENS = 256

/** The texts generated, one per input; a decoder-only model's prompt is not part of its text. `usage.promptTokens` grows by the prompts' tokens. */
export async function generateTexts(loaded: LoadedModel, input: GenerationInput, options: Record<string, unknown>, usage?: { promptTokens: number }): Promise<string[]> {
  const { model, tokenizer, seq2seq } = loaded
  const truncation = { padding: true, truncation: true, ...(input.maxInputLength ? { max_length: input.maxInputLength } : {}) }
  const generation = { max_new_tokens: DEFAULT_MAX_NEW_TOKENS, ...options }
  if (seq2seq) {
    const texts = input.texts.map((text) => loaded.prefix + text)
    const encoded = input.languages && tokenizer._build_translation_inputs
      ? tokenizer._build_translation_inputs(texts, truncation, Object.assign(generation, input.languages)) // sets forced_bos_token_id
      : tokenizer(texts, truncation)
    if (usage) usage.promptTokens += tokensIn(encoded)
    const output = await model.generate({ ...encoded, ...generation })
    return tokenizer.batch_decode(output, { skip_special_tokens: true })
  }
  const addSpecialTokens = input.addSpecialTokens ?? ((tokenizer.add_bos_token || tokenizer.add_eos_token) ?? false)
  const encoded = tokenizer(input.texts, { add_special_tokens: addSpecialTokens, ...truncation })
  if (usage) usage.promptTokens += tokensIn(encoded)
  const output = await model.generate({ ...encoded, ...generation })
  const decoded = tokenizer.batch_decode(output, { skip_special_tokens: true })
  if (encoded.input_ids.dims.at(-1) === 0) return decoded
  const promptLengths = tokenizer.batch_decode(encoded.input_ids, { skip_special_tokens: true }).map((text) => text.length)
  return decoded.map((text, i) => text.slice(promptLengths[Math.floor((i / decoded.length) * input.texts.length)]))
}

/** The tokens of a batch of prompts, padding left out (the attention mask's ones). */
function tokensIn(encoded: Encoded): number {
  const mask = encoded.attention_mask as { data: ArrayLike<bigint | number> } | undefined
  if (!mask) return encoded.input_ids.dims.reduce((a, b) => a * b, 1)
  let count = 0
  for (let i = 0; i < mask.data.length; i++) count += Number(mask.data[i])
  return count
}

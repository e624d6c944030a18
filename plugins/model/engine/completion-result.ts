// The `usage` and `completion` result keys of a model run: the tokens it read
// and wrote, counted with the model's own tokenizer, and its answer in
// OpenAI's chat completions shape — a `chat.completion`, or when streaming
// `chat.completion.chunk`s ending with one that carries the usage. A workflow
// whose output is `${completion}` is then served by the OpenAI front (/v1) as
// an OpenAI upstream is, usage included. model-compose's model component gives
// `${result}` only.

import { randomUUID } from 'node:crypto'
import { basename } from 'node:path'

export interface TokenUsage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
}

export const tokenUsage = (prompt: number, completion: number): TokenUsage => ({ prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion })

/** Why generation stopped, as OpenAI says it: `length` when it used all the new tokens it was allowed. */
export const finishReason = (generated: number, maxNewTokens: number): 'length' | 'stop' => (generated >= maxNewTokens ? 'length' : 'stop')

/** One answer's OpenAI objects: its id and creation time shared by all of them. */
export class CompletionShape {
  private readonly id = `chatcmpl-${randomUUID().replaceAll('-', '')}`
  private readonly created = Math.floor(Date.now() / 1000)

  private readonly model: string

  /** `model`: a Hub id as written; a local folder by its name only (the server's paths stay its own). */
  constructor(model: string) {
    this.model = model.startsWith('/') || model.startsWith('.') ? basename(model) : model
  }

  whole(content: string, finish: string, usage: TokenUsage) {
    const message = { role: 'assistant', content, refusal: null }
    return { ...this.head('chat.completion'), choices: [{ index: 0, message, logprobs: null, finish_reason: finish }], usage }
  }

  chunk(delta: Record<string, unknown>, finish: string | null = null) {
    return { ...this.head('chat.completion.chunk'), choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] }
  }

  /** The last chunk, as OpenAI sends it with `stream_options.include_usage`: no choices, the usage. */
  usageChunk(usage: TokenUsage) {
    return { ...this.head('chat.completion.chunk'), choices: [], usage }
  }

  private head(object: string) {
    return { id: this.id, object, created: this.created, model: this.model }
  }
}

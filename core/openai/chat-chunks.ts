// A workflow's output as OpenAI `chat.completion.chunk`s. Text chunks become
// `choices[0].delta.content`, the first carrying `role: assistant`, and a last
// chunk carries the `finish_reason`. Chunks that already are an upstream's
// OpenAI chunks (a workflow relaying `${response[]}` of an http-client) pass
// through as they came, so the client sees exactly what the upstream sent,
// its finish_reason and usage included.

import type { Stream } from '../stream/stream.ts'
import { toText } from '../binding/convert.ts'

export type OpenAiChunk = Record<string, unknown> & { choices: Record<string, unknown>[] }

export const isUpstreamChunk = (value: unknown): value is OpenAiChunk => isObjectOf(value, 'chat.completion.chunk')
export const isCompletion = (value: unknown): value is Record<string, unknown> & { choices: Record<string, unknown>[] } => isObjectOf(value, 'chat.completion')

function isObjectOf(value: unknown, object: string): boolean {
  return value !== null && typeof value === 'object' && (value as Record<string, unknown>).object === object && Array.isArray((value as Record<string, unknown>).choices)
}

export class ChatChunks {
  private roleSent = false
  private finished = false
  private usageSent = false
  private usage: unknown = null
  private decoder: TextDecoder | undefined

  constructor(
    private readonly id: string,
    private readonly model: string,
    private readonly created: number,
  ) {}

  /** One chunk of the workflow's output → the OpenAI chunks it becomes (none for an empty text). */
  of(chunk: unknown): OpenAiChunk[] {
    if (isUpstreamChunk(chunk)) {
      this.roleSent = true
      if (chunk.choices.some((choice) => choice.finish_reason != null)) this.finished = true
      if (chunk.usage != null) {
        this.usageSent = true
        this.usage = chunk.usage
      }
      return [chunk]
    }
    if (isCompletion(chunk)) return this.ofCompletion(chunk)
    // Bytes are UTF-8 text across chunks: a character split between two stays whole.
    const text = chunk instanceof Uint8Array ? (this.decoder ??= new TextDecoder()).decode(chunk, { stream: true }) : toText(chunk)
    return text === '' ? [] : [this.content(text)]
  }

  /** The last chunks: the finish_reason unless one passed, then the usage when asked for (null when nobody reported it). */
  end(includeUsage: boolean): OpenAiChunk[] {
    const out: OpenAiChunk[] = []
    if (!this.finished) out.push(this.chunk(this.roleSent ? {} : { role: 'assistant', content: '' }, 'stop'))
    this.finished = true
    if (includeUsage && !this.usageSent) out.push({ ...this.head(), choices: [], usage: this.usage })
    this.usageSent = true
    return out
  }

  /**
   * A whole chat.completion (a workflow that returns an upstream's answer) as
   * chunks: its content, its tool calls (each whole in one delta, with its
   * `index`), its finish_reason, its usage.
   */
  private ofCompletion(completion: { choices: Record<string, unknown>[]; usage?: unknown }): OpenAiChunk[] {
    const message = (completion.choices[0]?.message ?? {}) as Record<string, unknown>
    const calls = Array.isArray(message.tool_calls) ? (message.tool_calls as unknown[]) : []
    const text = message.content == null ? '' : toText(message.content)
    const out: OpenAiChunk[] = []
    if (text !== '' || calls.length === 0) out.push(this.content(text))
    if (calls.length > 0) {
      const delta = { ...(this.roleSent ? {} : { role: 'assistant', content: null }), tool_calls: calls.map((call, index) => ({ index, ...(call as object) })) }
      this.roleSent = true
      out.push(this.chunk(delta, null))
    }
    out.push(this.chunk({}, completion.choices[0]?.finish_reason ?? (calls.length > 0 ? 'tool_calls' : 'stop')))
    this.finished = true
    if (completion.usage != null) {
      this.usage = completion.usage
      this.usageSent = true
      out.push({ ...this.head(), choices: [], usage: completion.usage })
    }
    return out
  }

  private content(text: string): OpenAiChunk {
    const delta = this.roleSent ? { content: text } : { role: 'assistant', content: text }
    this.roleSent = true
    return this.chunk(delta, null)
  }

  private chunk(delta: Record<string, unknown>, finish: unknown): OpenAiChunk {
    return { ...this.head(), choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] }
  }

  private head() {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model }
  }
}

/** A stream whose chunks are also handed to `seen` as they pass (the OpenAI framing reads the chunks the task records). */
export async function* tapped(source: Stream, seen: unknown[]): AsyncGenerator<unknown> {
  for await (const chunk of source) {
    seen.push(chunk)
    yield chunk
  }
}

// A whole `chat.completion` (a request with `stream: false`) gathered from the
// OpenAI chunks a run produced: the contents joined, the tool calls assembled
// from their deltas (by `index`: the first delta of a call has its id, type
// and name, the later ones pieces of its arguments), the last finish_reason,
// the usage when one was reported. At most `maxBytes` of content and
// arguments are kept: past it the run is stopped and the request fails,
// saying to stream instead.

import { HttpError } from '../errors.ts'
import { describeBytes } from '../settings.ts'
import type { OpenAiChunk } from './chat-chunks.ts'

interface ToolCall {
  id?: string
  type: string
  function: { name: string; arguments: string }
}

/** Tool calls in one answer (OpenAI allows 128 tools a request): a delta past this index is refused. */
const MAX_TOOL_CALLS = 128

export class ChatCompletion {
  private content = ''
  private readonly toolCalls: ToolCall[] = []
  private bytes = 0
  private finish: unknown = 'stop'
  private usage: unknown = undefined

  constructor(
    private readonly id: string,
    private readonly model: string,
    private readonly created: number,
    private readonly maxBytes: number,
  ) {}

  add(chunk: OpenAiChunk): void {
    const choice = chunk.choices[0]
    const delta = choice?.delta as Record<string, unknown> | undefined
    const text = delta?.content
    if (typeof text === 'string' && text !== '') this.content += this.counted(text)
    if (Array.isArray(delta?.tool_calls)) for (const call of delta.tool_calls) this.addToolCall(call)
    if (choice?.finish_reason != null) this.finish = choice.finish_reason
    if (chunk.usage != null) this.usage = chunk.usage
  }

  value() {
    const calls = this.toolCalls.filter(Boolean)
    // As OpenAI answers a turn of tool calls alone: no content (null), the calls.
    const content = calls.length > 0 && this.content === '' ? null : this.content
    const message = { role: 'assistant', content, refusal: null, ...(calls.length > 0 ? { tool_calls: calls } : {}) }
    return {
      id: this.id,
      object: 'chat.completion',
      created: this.created,
      model: this.model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: this.finish }],
      ...(this.usage === undefined ? {} : { usage: this.usage }),
    }
  }

  /** One tool call's delta: a new call at its index, or a piece of the arguments of the call there. */
  private addToolCall(delta: unknown): void {
    if (delta === null || typeof delta !== 'object') return
    const { index, id, type, function: fn } = delta as { index?: unknown; id?: unknown; type?: unknown; function?: { name?: unknown; arguments?: unknown } }
    const at = typeof index === 'number' && Number.isInteger(index) ? index : this.toolCalls.length
    if (at < 0 || at >= MAX_TOOL_CALLS) throw new HttpError(502, `the answer has a tool call at index ${at}: at most ${MAX_TOOL_CALLS} are taken`)
    const call = (this.toolCalls[at] ??= { ...(typeof id === 'string' ? { id } : {}), type: 'function', function: { name: '', arguments: '' } })
    if (typeof id === 'string') call.id = id
    if (typeof type === 'string') call.type = type
    if (typeof fn?.name === 'string' && fn.name !== '') call.function.name = this.counted(fn.name)
    if (typeof fn?.arguments === 'string') call.function.arguments += this.counted(fn.arguments)
  }

  /** A text kept, counted against maxBytes. */
  private counted(text: string): string {
    this.bytes += Buffer.byteLength(text)
    if (this.bytes > this.maxBytes) {
      throw new HttpError(413, `the answer is longer than ${describeBytes(this.maxBytes)} (MC_TASK_OUTPUT_BYTES): ask for it with "stream": true`)
    }
    return text
  }
}

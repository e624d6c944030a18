// A whole `chat.completion` (a request with `stream: false`) gathered from the
// OpenAI chunks a run produced: the contents joined, the last finish_reason,
// the usage when one was reported. At most `maxBytes` of content are kept:
// past it the run is stopped and the request fails, saying to stream instead.

import { HttpError } from '../errors.ts'
import { describeBytes } from '../settings.ts'
import type { OpenAiChunk } from './chat-chunks.ts'

export class ChatCompletion {
  private content = ''
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
    const text = (choice?.delta as Record<string, unknown> | undefined)?.content
    if (typeof text === 'string' && text !== '') {
      this.bytes += Buffer.byteLength(text)
      if (this.bytes > this.maxBytes) {
        throw new HttpError(413, `the answer is longer than ${describeBytes(this.maxBytes)} (MC_TASK_OUTPUT_BYTES): ask for it with "stream": true`)
      }
      this.content += text
    }
    if (choice?.finish_reason != null) this.finish = choice.finish_reason
    if (chunk.usage != null) this.usage = chunk.usage
  }

  value() {
    return {
      id: this.id,
      object: 'chat.completion',
      created: this.created,
      model: this.model,
      choices: [{ index: 0, message: { role: 'assistant', content: this.content, refusal: null }, logprobs: null, finish_reason: this.finish }],
      ...(this.usage === undefined ? {} : { usage: this.usage }),
    }
  }
}

// A chat run's answer: `chat.completion.chunk` events ending in `data: [DONE]`
// (stream: true), or one `chat.completion` (stream: false). The stream is
// written straight to the socket as each chunk exists, the client's pace
// holding the run back; keep-alive comments go out while none comes, as in
// every SSE answer of mc's (core/http/kept-alive-writer.ts). A run
// that fails mid-stream ends it with an event carrying OpenAI's error object
// (the SDKs raise it). A client that goes away cancels the run.

import { messageOf } from '../errors.ts'
import { jsonResponse } from '../http/json-response.ts'
import { keptAliveWriter } from '../http/kept-alive-writer.ts'
import { SSE_HEADERS } from '../http/sse.ts'
import { ChatCompletion } from './chat-completion.ts'
import { CLIENT_GONE, type ChatOutput } from './chat-run.ts'
import { openAiErrorBody } from './openai-error.ts'

const DONE = 'data: [DONE]\n\n'

export function chatStreamResponse(output: ChatOutput, includeUsage: boolean, keepAliveMs: number): Response {
  let cancelled = false
  const body = new ReadableStream({
    type: 'direct',
    async pull(controller: ReadableStreamDirectController) {
      const writer = keptAliveWriter(controller, keepAliveMs)
      const send = writer.send
      try {
        while (!cancelled) {
          const chunks = await output.next()
          if (cancelled) break
          for (const chunk of chunks ?? output.end(includeUsage)) {
            const written = send(`data: ${JSON.stringify(chunk)}\n\n`)
            if (typeof written !== 'number') await written
          }
          if (chunks === undefined) {
            await send(DONE)
            break
          }
        }
      } catch (error) {
        if (!cancelled) await Promise.resolve(send(`data: ${JSON.stringify(openAiErrorBody(error))}\n\n`)).catch(() => {})
      } finally {
        writer.stop()
      }
      controller.close()
    },
    cancel() {
      cancelled = true
      output.cancel(CLIENT_GONE)
    },
  })
  return new Response(body, { headers: SSE_HEADERS })
}

/** The whole answer; a failure of the run is thrown (answered as an OpenAI error). */
export async function chatCompletionResponse(output: ChatOutput, model: string, maxBytes: number): Promise<Response> {
  const completion = new ChatCompletion(output.id, model, output.created, maxBytes)
  try {
    for (;;) {
      const chunks = await output.next()
      for (const chunk of chunks ?? output.end(false)) completion.add(chunk)
      if (chunks === undefined) break
    }
  } catch (error) {
    output.cancel(messageOf(error))
    throw error
  }
  return jsonResponse(completion.value())
}

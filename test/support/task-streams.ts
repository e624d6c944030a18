// What the task and stream tests share: a file with a streaming chat (against
// the local upstream) and a plain shell workflow, the entries of such a chat
// for files of their own, a reader of SSE events that can drop the connection
// after some of them, as a client that breaks off, and one that hands out the
// events one at a time.

import { createParser } from 'eventsource-parser'

/** A `workflows:` entry: `id` streams, as SSE text, what its one component (also `id`) yields; `extra`, one more line of it (`default: true`). */
export const sseWorkflow = (id: string, extra = '') => `
  - id: ${id}${extra ? `\n    ${extra}` : ''}
    output: \${output as text;sse-text}
    jobs:
      - component: ${id}`

/**
 * A `components:` entry: `id` streams an OpenAI chat completion from `endpoint`
 * (the local upstream's /v1/chat/completions), its output the deltas; the one
 * message says `content` (by default the input's prompt).
 */
export const chatStreamComponent = (id: string, endpoint: string, { content = '"${input.prompt}"', params }: { content?: string; params?: string } = {}) => `
  - id: ${id}
    type: http-client
    endpoint: ${endpoint}${params ? `\n    params: ${params}` : ''}
    body: { stream: true, messages: [{ role: user, content: ${content} }] }
    stream_format: json
    output: \${response[].choices[0].delta.content}`

/** `chat` streams the upstream's tokens (`delay_ms` apart); `echo` answers `{said}` in one piece. */
export const chatEchoCompose = (port: number, upstreamUrl: string, defaults: { key: string; delayMs: number }) => `
controller:
  port: ${port}
workflows:${sseWorkflow('chat', 'default: true')}
  - id: echo
    output: { said: "\${output}" }
    jobs:
      - component: echo
components:${chatStreamComponent('chat', `${upstreamUrl}/v1/chat/completions?key=\${input.key | ${defaults.key}}&delay_ms=\${input.delay_ms | ${defaults.delayMs}}`)}
  - id: echo
    type: shell
    command: [printf, "%s", "\${input.word}"]
    output: \${stdout}
`

export interface SseEvent {
  id?: string
  event?: string
  data: string
}

export interface ReadOptions {
  /** Drop the connection once this many events came (aborting `abort`, if given). */
  stopAfter?: number
  abort?: AbortController
  onEvent?: (event: SseEvent) => void
}

/** The SSE events of a response, as a client reads them. */
export async function readSseEvents(response: Response, { stopAfter = Infinity, abort, onEvent }: ReadOptions = {}): Promise<SseEvent[]> {
  const events: SseEvent[] = []
  const parser = createParser({
    onEvent: ({ id, event, data }) => {
      events.push({ ...(id !== undefined ? { id } : {}), ...(event ? { event } : {}), data })
      onEvent?.(events.at(-1)!)
    },
  })
  const decoder = new TextDecoder()
  const reader = (response.body as ReadableStream<Uint8Array>).getReader()
  while (events.length < stopAfter) {
    const { done, value } = await reader.read()
    if (done) break
    parser.feed(decoder.decode(value, { stream: true }))
  }
  if (events.length >= stopAfter) abort?.abort()
  await reader.cancel().catch(() => {})
  return events.slice(0, stopAfter)
}

/** Waits until `check` holds, polling; fails naming `what` after `ms`. */
export async function until(what: string, check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await Bun.sleep(25)
  }
}

/** `w0 w1 … w(n-1)`: a prompt the local upstream streams back word by word. */
export const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(' ')

/** Reads SSE events one at a time: their data (lines joined), `error: ` before an error event's; waiting 15 s for one fails. */
export function eventReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffered = ''
  return async (): Promise<string | undefined> => {
    for (;;) {
      const end = buffered.indexOf('\n\n')
      if (end >= 0) {
        const event = buffered.slice(0, end)
        buffered = buffered.slice(end + 2)
        const lines = event.split('\n')
        const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6))
        if (data.length === 0) continue // a keep-alive comment
        return `${lines.includes('event: error') ? 'error: ' : ''}${data.join('\n')}`
      }
      const { done, value } = await Promise.race([reader.read(), Bun.sleep(15_000).then(() => Promise.reject(new Error('no event for 15 s')))])
      if (done) return undefined
      buffered += decoder.decode(value, { stream: true })
    }
  }
}

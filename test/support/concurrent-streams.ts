// What the many-streams benchmarks share: the slow chat they serve, and a
// client that opens many streams at once and reads each to its end.

import { createParser, type EventSourceMessage } from 'eventsource-parser'

/** A streaming `chat` workflow (no controller): `tokens` tokens `delayMs` apart from the local upstream. */
export const slowChatWorkflow = (upstream: string, tokens: number, delayMs: number) => `
workflow:
  id: chat
  output: \${output as text;sse-text}
  job: { component: chat }
component:
  id: chat
  type: http-client
  endpoint: ${upstream}/v1/chat/completions
  params: { tokens: ${tokens}, delay_ms: ${delayMs} }
  body: { stream: true, messages: [{ role: user, content: bench }] }
  stream_format: json
  output: \${response[].choices[0].delta.content}
`

export interface StreamsRun {
  seconds: number
  errors: number
  /** Errors by their message's first 160 characters. */
  kinds: Map<string, number>
  /** When each stream's first content event came, in ms from the start, ascending. */
  firsts: number[]
}

/** Opens `count` streams at once; a stream with other than `expected` content events counts as an error. */
export async function concurrentStreams(count: number, expected: number, open: () => Promise<Response>, isContent: (event: EventSourceMessage) => boolean): Promise<StreamsRun> {
  let errors = 0
  const kinds = new Map<string, number>()
  const firsts: number[] = []
  const started = performance.now()
  await Promise.all(
    Array.from({ length: count }, async () => {
      try {
        const response = await open()
        if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`)
        let seen = 0
        const parser = createParser({ onEvent: (event) => void (isContent(event) && seen++ === 0 && firsts.push(performance.now() - started)) })
        const decoder = new TextDecoder()
        for await (const chunk of response.body as ReadableStream<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }))
        if (seen !== expected) throw new Error(`${seen} events`)
      } catch (error) {
        errors++
        const kind = String((error as Error).message).slice(0, 160)
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1)
      }
    }),
  )
  return { seconds: (performance.now() - started) / 1000, errors, kinds, firsts: firsts.sort((a, b) => a - b) }
}

export const fmt = (n: number, digits = 2) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

/** `2.31 s, 0 errors` (with the kinds of errors, when there were some). */
export function describeStreams(run: StreamsRun): string {
  return `${fmt(run.seconds)} s, ${run.errors} errors${run.kinds.size ? ` (${[...run.kinds].map(([k, n]) => `${n}× ${k}`).join('; ')})` : ''}`
}

/** `first events at p50 … ms, p99 … ms`. */
export function describeFirsts(run: StreamsRun): string {
  const at = (p: number) => run.firsts[Math.min(run.firsts.length - 1, Math.floor(run.firsts.length * p))]?.toFixed(0)
  return `first events at p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`
}

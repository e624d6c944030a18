// A local upstream for tests, benchmarks and the quickstart. It speaks the
// streaming formats of the OpenAI chat-completions API and the Anthropic
// messages API byte for byte, plus plain NDJSON and text, and can misbehave on
// request: slow drips, stalls, resets mid-stream, 429/503 before success, CRLF
// line endings, multi-byte characters split across network writes.
//
// Routes:                          POST /v1/chat/completions   (OpenAI)
//                                  POST /v1/messages           (Anthropic)
//                                  GET|POST /ndjson, /text, /json
//                                  GET /bulk?chunk_bytes=N&count=M (volume)
//                                  GET|POST /sse               (the `chunks` written verbatim as text/event-stream)
//                                  GET /sse/long?bytes=N&end=S (one `data:` line of N letters, then S, e.g. "\n\n" or nothing)
//                                  GET /sse/garbage?bytes=N    (N pseudo-random bytes as text/event-stream)
//                                  GET /big?bytes=N            (N letters as one text/plain body with a Content-Length)
//                                  GET /health
//                                  GET /stats?key=K            (what happened to requests with that key)
// Query parameters of every route: text, chunks (a JSON list), tokens (a count), stamp=1, delay_ms, stall_after, stall_ms, reset_after, crlf=1,
//   split=1 (write each event in two pieces, cutting inside a UTF-8 character when it can),
//   fail=N, status, retry_after (the first N requests of a key answer `status`), key,
//   gate=1 (each write after the first, halves of a split included, waits for `release(key)`).

import { anthropicEvents, anthropicMessage, openAiCompletion, openAiEvents } from './api-formats.ts'

export { anthropicEvents, openAiEvents }

export interface UpstreamStats {
  requests: number
  /** Events written (bytes handed to the socket), per request, summed. */
  eventsSent: number
  /** When the last response stream was cancelled by its client (ms since epoch). */
  cancelledAt?: number
  /** Bodies received (parsed JSON), the last first. */
  bodies: unknown[]
  headers: Record<string, string>[]
}

export interface Upstream {
  url: string
  port: number
  stats(key: string): UpstreamStats
  /** Lets the next gated write of that key go out (see `gate=1`); a release before the write waits for it. */
  release(key: string): void
  stop(): void
}

const DEFAULT_TEXT = 'Once upon a time, a tiny model streamed its story token by token.'

export interface UpstreamOptions {
  port?: number
  /** Pause between events when a request does not say (`delay_ms`). */
  delayMs?: number
  /** The answer when a request does not say (`text`); by default the prompt is echoed. */
  reply?: string
  /** What GET /health answers: 200 when healthy (the default), 503 otherwise. */
  healthy?: boolean
  /** Called before each request is answered (a managed test server crashes from here). */
  onRequest?: (count: number) => void
}

export function startUpstream(options: UpstreamOptions = {}): Upstream {
  const { port = 0, delayMs = 0, reply, healthy = true, onRequest } = options
  let served = 0
  const stats = new Map<string, UpstreamStats>()
  const statsOf = (key: string) => {
    let s = stats.get(key)
    if (!s) stats.set(key, (s = { requests: 0, eventsSent: 0, bodies: [], headers: [] }))
    return s
  }
  const gates = new Map<string, { permits: number; waiting?: () => void }>()
  const gateOf = (key: string) => {
    let g = gates.get(key)
    if (!g) gates.set(key, (g = { permits: 0 }))
    return g
  }
  const passGate = (key: string) =>
    new Promise<void>((resolve) => {
      const g = gateOf(key)
      if (g.permits > 0) {
        g.permits--
        resolve()
      } else g.waiting = resolve
    })
  const server = Bun.serve({
    port,
    hostname: '127.0.0.1',
    idleTimeout: 0,
    async fetch(request) {
      const url = new URL(request.url)
      const q = url.searchParams
      if (url.pathname === '/stats') return Response.json(statsOf(q.get('key') ?? ''))
      if (url.pathname === '/health') return healthy ? Response.json({ status: 'ok' }) : new Response('starting', { status: 503 })
      onRequest?.(++served)
      const key = q.get('key') ?? ''
      const s = statsOf(key)
      s.requests++
      s.headers.unshift(Object.fromEntries(request.headers))
      let body: Record<string, unknown> = {}
      if (request.method === 'POST') {
        const text = await request.text()
        try {
          body = JSON.parse(text || '{}')
        } catch {
          body = { raw: text }
        }
        s.bodies.unshift(body)
      }
      const fail = Number(q.get('fail') ?? 0)
      if (s.requests <= fail) {
        const headers: Record<string, string> = {}
        if (q.get('retry_after')) headers['retry-after'] = q.get('retry_after')!
        return new Response(JSON.stringify({ error: { message: 'try again later' } }), { status: Number(q.get('status') ?? 503), headers })
      }
      const tokens = tokensOf(q, body, reply)
      const plan = planOf(q, delayMs)
      if (q.get('gate') === '1') plan.gate = () => passGate(key)
      switch (url.pathname) {
        case '/v1/chat/completions':
          if (body.stream !== true) return Response.json(openAiCompletion(tokens.join('')))
          return stream(openAiEvents(tokens), 'text/event-stream', plan, s)
        case '/v1/messages':
          if (body.stream !== true) return Response.json(anthropicMessage(tokens.join('')))
          return stream(anthropicEvents(tokens), 'text/event-stream', plan, s)
        case '/ndjson':
          return stream(tokens.map((t, i) => `${JSON.stringify({ index: i, token: t })}\n`), 'application/x-ndjson', plan, s)
        case '/text':
          return stream(tokens, 'text/plain; charset=utf-8', plan, s)
        case '/json':
          return Response.json({ text: tokens.join(''), received: body })
        case '/bulk':
          return bulk(Number(q.get('chunk_bytes') ?? 65536), Number(q.get('count') ?? 16), s)
        case '/sse':
          return stream(tokens, 'text/event-stream', plan, s)
        case '/sse/long':
          return longLine(Number(q.get('bytes') ?? 0), q.get('end') ?? '', s)
        case '/sse/garbage':
          return new Response(pseudoRandomBytes(Number(q.get('bytes') ?? 4096)), { headers: { 'content-type': 'text/event-stream' } })
        case '/big':
          return new Response(new Uint8Array(Number(q.get('bytes') ?? 0)).fill(0x61), { headers: { 'content-type': 'text/plain' } })
      }
      return new Response('not found', { status: 404 })
    },
  })
  return {
    url: `http://127.0.0.1:${server.port}`,
    port: server.port!,
    stats: (key) => statsOf(key),
    release: (key) => {
      const g = gateOf(key)
      if (g.waiting) {
        const resolve = g.waiting
        g.waiting = undefined
        resolve()
      } else g.permits++
    },
    stop: () => server.stop(true),
  }
}

interface Plan {
  delayMs: number
  stallAfter: number
  stallMs: number
  resetAfter: number
  crlf: boolean
  split: boolean
  gate?: () => Promise<void>
}

function planOf(q: URLSearchParams, delayMs: number): Plan {
  return {
    delayMs: Number(q.get('delay_ms') ?? delayMs),
    stallAfter: Number(q.get('stall_after') ?? -1),
    stallMs: Number(q.get('stall_ms') ?? 0),
    resetAfter: Number(q.get('reset_after') ?? -1),
    crlf: q.get('crlf') === '1',
    split: q.get('split') === '1',
  }
}

/** The text to stream, as tokens: words with their leading space, like a tokenizer gives. */
function tokensOf(q: URLSearchParams, body: Record<string, unknown>, reply: string | undefined): string[] {
  const chunks = q.get('chunks')
  if (chunks) return JSON.parse(chunks) as string[]
  const count = q.get('tokens')
  // With stamp=1 each token is the time it is sent (ms since the epoch), for latency measurements.
  if (count) return Array.from({ length: Number(count) }, (_, i) => (q.get('stamp') === '1' ? ` ${SEND_TIME}` : i === 0 ? 'tok' : ` tok${i}`))
  const prompt = lastUserText(body)
  const text = q.get('text') || reply || (prompt ? `You said: ${prompt}` : DEFAULT_TEXT)
  return text.match(/\s*\S+/g) ?? [text]
}

function lastUserText(body: Record<string, unknown>): string | undefined {
  const messages = body.messages as { content?: unknown }[] | undefined
  const content = messages?.[messages.length - 1]?.content
  return typeof content === 'string' ? content : undefined
}

const encoder = new TextEncoder()
const SEND_TIME = '@send-time@'

function stream(events: string[], contentType: string, plan: Plan, s: UpstreamStats): Response {
  let i = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (i >= events.length) return controller.close()
      if (plan.resetAfter >= 0 && i === plan.resetAfter) {
        controller.error(new Error('connection reset by upstream'))
        return
      }
      const wait = i === plan.stallAfter ? plan.stallMs : i > 0 ? plan.delayMs : 0
      if (wait > 0) await new Promise((resolve) => (timer = setTimeout(resolve, wait)))
      if (plan.gate && i > 0) await plan.gate()
      let event = events[i++]!
      if (event.includes(SEND_TIME)) event = event.replace(SEND_TIME, String(performance.timeOrigin + performance.now()))
      if (plan.crlf) event = event.replace(/\n/g, '\r\n')
      const bytes = encoder.encode(event)
      if (plan.split && bytes.length > 1) {
        const cut = splitPoint(bytes)
        controller.enqueue(bytes.slice(0, cut))
        await (plan.gate?.() ?? new Promise((resolve) => setTimeout(resolve, 5))) // two separate network writes
        controller.enqueue(bytes.slice(cut))
      } else controller.enqueue(bytes)
      s.eventsSent++
    },
    cancel() {
      clearTimeout(timer)
      s.cancelledAt = Date.now()
    },
  }, { highWaterMark: 0 })
  return new Response(body, { headers: { 'content-type': contentType, 'cache-control': 'no-cache' } })
}

/** `count` chunks of `chunkBytes` letters, as fast as the reader takes them (for volume tests). */
function bulk(chunkBytes: number, count: number, s: UpstreamStats): Response {
  const chunk = new Uint8Array(chunkBytes).fill(0x61)
  let sent = 0
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (sent++ >= count) return controller.close()
        controller.enqueue(chunk.slice())
        s.eventsSent++
      },
      cancel() {
        s.cancelledAt = Date.now()
      },
    },
    { highWaterMark: 0 },
  )
  return new Response(body, { headers: { 'content-type': 'text/plain; charset=utf-8' } })
}

/** `data: ` and `bytes` letters in 64 KiB writes as fast as the reader takes them, then `end`. */
function longLine(bytes: number, end: string, s: UpstreamStats): Response {
  const piece = new Uint8Array(65536).fill(0x61)
  let left = bytes
  let started = false
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (!started) {
          started = true
          return controller.enqueue(encoder.encode('data: '))
        }
        if (left <= 0) {
          if (end) controller.enqueue(encoder.encode(end))
          return controller.close()
        }
        const size = Math.min(left, piece.length)
        controller.enqueue(piece.slice(0, size))
        left -= size
        s.eventsSent++
      },
      cancel() {
        s.cancelledAt = Date.now()
      },
    },
    { highWaterMark: 0 },
  )
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
}

/** The same `count` bytes every time (a xorshift sequence): noise that never forms an SSE event. */
function pseudoRandomBytes(count: number): Uint8Array {
  const out = new Uint8Array(count)
  let x = 0x9e3779b9
  for (let i = 0; i < count; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

/** A cut inside a multi-byte UTF-8 character when there is one, else the middle. */
function splitPoint(bytes: Uint8Array): number {
  for (let i = 1; i < bytes.length; i++) if ((bytes[i]! & 0xc0) === 0x80) return i
  return Math.floor(bytes.length / 2)
}

if (import.meta.main) {
  const upstream = startUpstream({ port: Number(process.env.PORT ?? 0), delayMs: Number(process.env.DELAY_MS ?? 0) })
  process.stdout.write(`upstream listening on ${upstream.url}\n`)
}

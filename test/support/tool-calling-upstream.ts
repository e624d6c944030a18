// A local upstream that plays a tool-calling model: OpenAI's
// POST /v1/chat/completions and Anthropic's POST /v1/messages, streamed
// (`"stream": true`) or not, framed byte for byte as the real APIs do
// (tool-calling-formats.ts). Its answers follow a script, one turn per request
// (tool calls, then a final answer), or a function deciding each turn from the
// request; it records every request body, can hold an answer until the client
// goes away (counting those), and serves a test's other upstreams (a search
// API, web pages) from `routes`.
// Streams go out one event per network write, each cut inside a multi-byte
// UTF-8 character when it holds one; `delayMs` paces them, and `holdLastToken`
// keeps the last event of the final answer until `release()`, so a test sees
// tokens arrive while the answer is not complete yet, with no timing involved.

import { anthropicTurnAnswer, anthropicTurnEvents, openAiTurnAnswer, openAiTurnEvents, type ScriptedTurn } from './tool-calling-formats.ts'

export type { ScriptedCall, ScriptedTurn } from './tool-calling-formats.ts'

/** A turn, or HOLD: no answer until the client closes the request. */
export const HOLD = Symbol('hold')

/** The body of a model request (OpenAI's or Anthropic's), as mc sent it. */
export interface ModelRequest {
  model?: string
  messages: { role: string; content?: unknown; tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[]; tool_call_id?: string }[]
  tools?: Record<string, unknown>[]
  [key: string]: unknown
}

/** The turn answering request number `turn` (from 0). */
export type Answer = (body: ModelRequest, turn: number) => ScriptedTurn | typeof HOLD | Promise<ScriptedTurn | typeof HOLD>

export interface ToolCallingOptions {
  /** The turns in order, one per request; or a function deciding each. */
  script: ScriptedTurn[] | Answer
  /** Other paths this server answers (a test's other upstreams). */
  routes?: Record<string, (request: Request) => Response | Promise<Response>>
  /** Pause between two events of a stream. */
  delayMs?: number
  /** Characters of each tool-argument piece (JSON text cut mid-way). */
  pieceChars?: number
  /** Hold the last text event of the final answer until release(). */
  holdLastToken?: boolean
}

export interface StreamRecord {
  turn: number
  events: number
  sent: number
  /** The last text event of a final answer went out (with holdLastToken, only after release()). */
  lastTokenSent: boolean
  finished: boolean
  /** The client (mc) closed the stream before its end. */
  cancelled: boolean
}

export interface ToolCallingUpstream {
  url: string
  /** The model request bodies received, in order (parsed JSON). */
  requests: ModelRequest[]
  /** One record per streamed answer, in order. */
  streams: StreamRecord[]
  /** Requests held (HOLD) whose client went away. */
  abandoned(): number
  /** Resolves once `count` requests are being held. */
  held(count: number): Promise<void>
  release(): void
  stop(): void
}

const encoder = new TextEncoder()

export function startToolCallingUpstream(options: ToolCallingOptions): ToolCallingUpstream {
  const requests: ModelRequest[] = []
  const streams: StreamRecord[] = []
  const routes = options.routes ?? {}
  const { script } = options
  const answer: Answer = typeof script === 'function' ? script : (_, turn) => script[turn]!
  let opened = false
  let openHold: (() => void) | undefined
  const hold = () => (opened ? Promise.resolve() : new Promise<void>((resolve) => (openHold = resolve)))
  let abandoned = 0
  let holding = 0
  const waiters: { count: number; resolve: () => void }[] = []
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    idleTimeout: 0,
    async fetch(request) {
      const path = new URL(request.url).pathname
      if (routes[path]) return routes[path](request)
      if (request.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/v1/messages')) return new Response('not found', { status: 404 })
      const body = (await request.json()) as ModelRequest
      const turnIndex = requests.length
      requests.push(body)
      if (Array.isArray(script) && turnIndex >= script.length) {
        return Response.json({ error: { message: `the script has ${script.length} turns; this is request ${turnIndex + 1}` } }, { status: 500 })
      }
      const turn = await answer(body, turnIndex)
      if (turn === HOLD) {
        holding++
        for (const waiter of waiters.filter((w) => holding >= w.count)) waiter.resolve()
        await new Promise<void>((resolve) => request.signal.addEventListener('abort', () => resolve(), { once: true }))
        abandoned++
        return new Response(null, { status: 499 })
      }
      const openAi = path === '/v1/chat/completions'
      if (body.stream !== true) return Response.json(openAi ? openAiTurnAnswer(turn) : anthropicTurnAnswer(turn))
      const pieceChars = options.pieceChars ?? 7
      const events = openAi ? openAiTurnEvents(turn, pieceChars) : anthropicTurnEvents(turn, pieceChars)
      const final = (turn.toolCalls ?? []).length === 0
      // The last text event: before OpenAI's finish chunk and [DONE], before Anthropic's block stop, message_delta, message_stop.
      const lastToken = final ? events.length - (openAi ? 3 : 4) : -1
      const heldAt = options.holdLastToken ? lastToken : -1
      const record: StreamRecord = { turn: turnIndex, events: events.length, sent: 0, lastTokenSent: false, finished: false, cancelled: false }
      streams.push(record)
      return new Response(eventStream(events, record, { delayMs: options.delayMs ?? 0, lastToken, heldAt, hold }), { headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' } })
    },
  })
  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    streams,
    abandoned: () => abandoned,
    held: (count) => (holding >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
    release() {
      opened = true
      openHold?.()
    },
    stop: () => server.stop(true),
  }
}

/** A tool call of a scripted turn. */
export const call = (id: string, name: string, args: Record<string, unknown> | string = {}) => ({ id, name, arguments: args })

interface Pacing {
  delayMs: number
  /** The index of the final answer's last text event (-1: none). */
  lastToken: number
  /** The index of the event that waits for release() (-1: none). */
  heldAt: number
  hold: () => Promise<void>
}

function eventStream(events: string[], record: StreamRecord, { delayMs, lastToken, heldAt, hold }: Pacing): ReadableStream<Uint8Array> {
  let timer: ReturnType<typeof setTimeout> | undefined
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (record.sent >= events.length) {
          record.finished = true
          return controller.close()
        }
        if (record.sent > 0 && delayMs > 0) await new Promise((resolve) => (timer = setTimeout(resolve, delayMs)))
        if (record.sent === heldAt) await hold()
        if (record.cancelled) return
        const bytes = encoder.encode(events[record.sent]!)
        const cut = utf8Cut(bytes)
        // Two writes: a reader gets a character in two pieces.
        if (cut > 0) {
          controller.enqueue(bytes.slice(0, cut))
          await Bun.sleep(1)
          controller.enqueue(bytes.slice(cut))
        } else controller.enqueue(bytes)
        if (record.sent === lastToken) record.lastTokenSent = true
        record.sent++
      },
      cancel() {
        clearTimeout(timer)
        record.cancelled = true
      },
    },
    { highWaterMark: 0 },
  )
}

/** A cut inside the first multi-byte UTF-8 character, or 0 when there is none. */
function utf8Cut(bytes: Uint8Array): number {
  for (let i = 1; i < bytes.length; i++) if ((bytes[i]! & 0xc0) === 0x80) return i
  return 0
}

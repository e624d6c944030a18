// A local OpenAI chat-completions endpoint playing a tool-calling model whose
// every answer a test decides from the request it got (`answer(body, turn)`),
// for the agent's loop tests: it records each request body (what mc SENT the
// model: messages with tool results, tool schemas), can hold an answer until
// the client goes away (counting those), and serves a test's other upstreams
// (a search API, web pages) from `routes`.

import { openAiTurnAnswer, type ScriptedTurn } from './tool-calling-formats.ts'

export type { ScriptedTurn } from './tool-calling-formats.ts'

/** A turn, or HOLD: no answer until the client closes the request. */
export const HOLD = Symbol('hold')

export type Answer = (body: ChatRequest, turn: number) => ScriptedTurn | typeof HOLD | Promise<ScriptedTurn | typeof HOLD>

export interface ChatRequest {
  model?: string
  messages: { role: string; content?: unknown; tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[]; tool_call_id?: string }[]
  tools?: { type: string; function: Record<string, unknown> }[]
  [key: string]: unknown
}

export interface ToolCallingModel {
  url: string
  /** Request bodies of POST /v1/chat/completions, in order. */
  requests: ChatRequest[]
  /** Requests held (HOLD) whose client went away. */
  abandoned(): number
  /** Resolves once `count` requests are being held. */
  held(count: number): Promise<void>
  stop(): void
}

export function startToolCallingModel(answer: Answer, routes: Record<string, (request: Request) => Response | Promise<Response>> = {}): ToolCallingModel {
  const requests: ChatRequest[] = []
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
      if (request.method !== 'POST' || path !== '/v1/chat/completions') return new Response('not found', { status: 404 })
      const body = (await request.json()) as ChatRequest
      requests.push(body)
      const turn = await answer(body, requests.length - 1)
      if (turn !== HOLD) return Response.json(openAiTurnAnswer(turn))
      holding++
      for (const waiter of waiters.filter((w) => holding >= w.count)) waiter.resolve()
      await new Promise<void>((resolve) => request.signal.addEventListener('abort', () => resolve(), { once: true }))
      abandoned++
      return new Response(null, { status: 499 })
    },
  })
  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    abandoned: () => abandoned,
    held: (count) => (holding >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
    stop: () => server.stop(true),
  }
}

/** A tool call of a scripted turn. */
export const call = (id: string, name: string, args: Record<string, unknown> | string = {}) => ({ id, name, arguments: args })

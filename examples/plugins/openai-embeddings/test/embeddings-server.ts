// A local OpenAI-compatible `POST /v1/embeddings` for the tests: real HTTP on a
// free port, deterministic vectors computed from each text (`vectorOf`), data
// listed in reverse with their `index` (as a server may), and misbehaviour
// chosen by the model name.

export const API_KEY = 'sk-test-0123456789abcdef'

/** The model names that make the server misbehave. */
export const MODELS = {
  unknown: 'no-such-model', // 404 with OpenAI's error shape
  hang: 'hang', // never answers
  stallBody: 'stall-body', // sends the head and part of the body, then nothing
  noData: 'no-data', // 200 without "data"
  short: 'short', // one embedding fewer than texts
  base64: 'base64', // embeddings as text
  notJson: 'not-json', // 200 with an HTML page
  huge: 'huge', // a 1 MiB answer
} as const

export interface SeenRequest {
  url: string
  headers: Headers
  body: { model: string; input: string | string[]; dimensions?: number; encoding_format?: string }
}

export interface EmbeddingsServer {
  /** The base URL, like https://api.openai.com/v1. */
  baseUrl: string
  requests: SeenRequest[]
  /** How many requests the client gave up (closed the connection) before they were answered. */
  cancelled(): number
  stop(): void
}

/** The vector the server gives `text`: `dimensions` numbers (3 by default) that depend on every character. */
export function vectorOf(text: string, dimensions = 3): number[] {
  let sum = 0
  for (const char of text) sum += char.codePointAt(0)!
  return Array.from({ length: dimensions }, (_, i) => ((sum * (i + 1) + text.length) % 1000) / 1000)
}

export function startEmbeddingsServer(): EmbeddingsServer {
  const requests: SeenRequest[] = []
  let cancelled = 0
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(request) {
      if (new URL(request.url).pathname !== '/v1/embeddings' || request.method !== 'POST') return new Response('not found', { status: 404 })
      const body = (await request.json()) as SeenRequest['body']
      requests.push({ url: request.url, headers: request.headers, body })
      request.signal.addEventListener('abort', () => cancelled++)
      const key = request.headers.get('authorization')?.replace(/^Bearer /, '') ?? ''
      // OpenAI's own answer quotes the key it was given.
      if (key !== API_KEY) return error(401, `Incorrect API key provided: ${key}. You can find your API key at https://platform.openai.com/account/api-keys.`)
      const texts = Array.isArray(body.input) ? body.input : [body.input]
      const data = texts.map((text, index) => ({ object: 'embedding', index, embedding: vectorOf(text, body.dimensions) })).reverse()
      const usage = { prompt_tokens: texts.join(' ').split(/\s+/).length, total_tokens: texts.join(' ').split(/\s+/).length }
      switch (body.model) {
        case MODELS.unknown:
          return error(404, `The model \`${body.model}\` does not exist or you do not have access to it.`)
        case MODELS.hang:
          return new Promise<Response>(() => {})
        case MODELS.stallBody:
          return new Response(new ReadableStream({ start: (controller) => controller.enqueue(new TextEncoder().encode('{"object":"list","data":[')) }), {
            headers: { 'content-type': 'application/json' },
          })
        case MODELS.noData:
          return Response.json({ object: 'list', usage })
        case MODELS.short:
          return Response.json({ object: 'list', data: data.slice(1), model: body.model, usage })
        case MODELS.base64:
          return Response.json({ object: 'list', data: data.map((item) => ({ ...item, embedding: 'AACAPwAAAEA=' })), model: body.model, usage })
        case MODELS.notJson:
          return new Response('<html><body>502 Bad Gateway</body></html>', { headers: { 'content-type': 'text/html' } })
        case MODELS.huge:
          return Response.json({ object: 'list', data, model: body.model, usage, padding: 'x'.repeat(1024 * 1024) })
      }
      return Response.json({ object: 'list', data, model: `${body.model}-v1`, usage })
    },
  })
  return {
    baseUrl: `http://127.0.0.1:${server.port}/v1`,
    requests,
    cancelled: () => cancelled,
    stop: () => server.stop(true),
  }
}

function error(status: number, message: string): Response {
  return Response.json({ error: { message, type: 'invalid_request_error', code: null } }, { status })
}

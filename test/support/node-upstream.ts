// The OpenAI chat stream of upstream.ts served by Node's own HTTP server
// (node:http, its default accept backlog of 511), for the many-streams
// benchmark: issue 10 measured its bounds against such an upstream, whose
// per-stream cost is Node's rather than Bun's. Bundled for Node and run with
// `node` by bench-processes.ts; PORT says where it listens.
//
// Routes: POST /v1/chat/completions?tokens=N&delay_ms=D   GET /health

import { createServer } from 'node:http'
import { openAiEvents } from './api-formats.ts'

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://upstream')
  if (url.pathname === '/health') return response.end('ok')
  if (request.method !== 'POST' || url.pathname !== '/v1/chat/completions') {
    response.statusCode = 404
    return response.end()
  }
  const tokens = Array.from({ length: Number(url.searchParams.get('tokens') ?? 5) }, (_, i) => (i === 0 ? 'tok' : ` tok${i}`))
  const delayMs = Number(url.searchParams.get('delay_ms') ?? 0)
  request.resume() // the prompt is not looked at
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    const events = openAiEvents(tokens)
    let i = 0
    let timer: ReturnType<typeof setTimeout> | undefined
    const write = () => {
      response.write(events[i++])
      if (i < events.length) timer = setTimeout(write, delayMs)
      else response.end()
    }
    response.on('close', () => clearTimeout(timer))
    write()
  })
})

server.listen(Number(process.env.PORT), '127.0.0.1')
process.on('SIGTERM', () => process.exit(0))

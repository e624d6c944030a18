// The least a relay on Bun does: Bun.serve answering each POST with the body
// of the same POST to UPSTREAM (the path and query kept). test/bench/many-streams.ts
// runs it beside mc, as the floor of what 10,000 streams cost on this runtime
// (two sockets, a fetch and a response each) before mc parses, binds, reframes
// or records anything. Two floors: by default the upstream body is piped
// through untouched (Bun moves it natively, no JavaScript sees a byte);
// with READ_IN_JS=1 JavaScript reads each chunk of it and writes it on, the
// least any relay that looks at the chunks does. PORT says where it listens.

const upstream = process.env.UPSTREAM!
const readInJs = process.env.READ_IN_JS === '1'

/** The upstream body, each chunk read by JavaScript and written on to the client. */
function readThrough(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader()
  return new ReadableStream({
    type: 'direct',
    async pull(controller: ReadableStreamDirectController) {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        const written = controller.write(value)
        if (typeof written !== 'number') await written
      }
      controller.close()
    },
    cancel: () => void reader.cancel().catch(() => {}),
  })
}

const server = Bun.serve({
  port: Number(process.env.PORT),
  hostname: '127.0.0.1',
  idleTimeout: 0,
  async fetch(request) {
    const { pathname, search } = new URL(request.url)
    if (pathname === '/health') return new Response('ok')
    try {
      const answer = await fetch(`${upstream}${pathname}${search}`, { method: 'POST', body: await request.text(), headers: { 'content-type': 'application/json' } })
      const body = readInJs && answer.body ? readThrough(answer.body) : answer.body
      return new Response(body, { status: answer.status, headers: { 'content-type': answer.headers.get('content-type') ?? 'text/plain' } })
    } catch (error) {
      // Out of file descriptors, say: it does not wait, the client counts an error.
      return new Response(`bare proxy: ${(error as Error).message}`, { status: 502 })
    }
  },
})
process.on('SIGTERM', () => {
  server.stop(true)
  process.exit(0)
})

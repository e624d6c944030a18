// The least a relay on Bun does: Bun.serve answering each POST with the body
// of the same POST to UPSTREAM (the path and query kept), piped through
// untouched. test/bench/many-streams.ts runs it beside mc, as the floor of
// what 10,000 streams cost on this runtime (two sockets, a fetch and a
// response each) before mc parses, binds, reframes or records anything.
// PORT says where it listens.

const upstream = process.env.UPSTREAM!
const server = Bun.serve({
  port: Number(process.env.PORT),
  hostname: '127.0.0.1',
  idleTimeout: 0,
  async fetch(request) {
    const { pathname, search } = new URL(request.url)
    if (pathname === '/health') return new Response('ok')
    try {
      const answer = await fetch(`${upstream}${pathname}${search}`, { method: 'POST', body: await request.text(), headers: { 'content-type': 'application/json' } })
      return new Response(answer.body, { status: answer.status, headers: { 'content-type': answer.headers.get('content-type') ?? 'text/plain' } })
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

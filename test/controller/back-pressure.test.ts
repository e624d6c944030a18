// A slow client slows the upstream read: mc pulls a chunk from upstream only
// when the client has taken the previous ones, so nothing piles up in memory.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { memoryOf } from '../support/process-memory.ts'
import { composeDir, freePort, startMc, type McProcess } from '../support/mc.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

let upstream: Upstream
let mc: McProcess

beforeAll(async () => {
  upstream = startUpstream()
  const port = freePort()
  const compose = `
controller:
  port: ${port}
workflow:
  output: \${output as text;sse-text}
component:
  type: http-client
  endpoint: ${upstream.url}/bulk?chunk_bytes=65536&count=16384&key=slow
  stream_format: text
  output: \${response[]}
`
  mc = await startMc(composeDir({ 'compose.yml': compose }), [], port)
})
afterAll(async () => {
  await mc?.stop()
  upstream?.stop()
})

test('a client that stops reading stops the upstream; memory stays bounded', async () => {
  const controller = new AbortController()
  const response = await fetch(`${mc.url}/api/workflows/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ output_only: true }),
    signal: controller.signal,
  })
  const reader = response.body!.getReader()
  await reader.read()
  // The client now reads nothing. The upstream can only run ahead by what the
  // sockets buffer, a few MiB — not the 1 GiB it has to send.
  await Bun.sleep(1500)
  const sentWhilePaused = upstream.stats('slow').eventsSent
  await Bun.sleep(500)
  expect(upstream.stats('slow').eventsSent).toBe(sentWhilePaused) // stalled, waiting for the client
  expect(sentWhilePaused * 64).toBeLessThan(64 * 1024) // less than 64 MiB of the 1 GiB went out
  expect(memoryOf(mc.proc.pid).peakMb).toBeLessThan(150)
  // Reading again resumes the flow.
  for (let i = 0; i < 200; i++) await reader.read()
  expect(upstream.stats('slow').eventsSent).toBeGreaterThan(sentWhilePaused)
  controller.abort()
})

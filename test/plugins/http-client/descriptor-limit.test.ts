// More streams at once than mc has file descriptors for: a stream holds two
// (the client's connection and the upstream's), so under `ulimit -n` some
// upstream requests find none (EMFILE). Nothing of such a request went out:
// mc waits for a descriptor to free up instead of answering 502, and says so
// once in its log. A real `mc up` under a lowered limit, against the local upstream.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { concurrentStreams, slowChatWorkflow } from '../../support/concurrent-streams.ts'
import { composeDir, freePort, MC, waitForHttp } from '../../support/mc.ts'
import { startUpstream, type Upstream } from '../../support/upstream.ts'

const STREAMS = 40
const TOKENS = 5

let upstream: Upstream
let proc: ReturnType<typeof Bun.spawn>
let logs = ''
let api: string

beforeAll(async () => {
  upstream = startUpstream()
  const port = freePort()
  api = `http://127.0.0.1:${port}/api`
  const dir = composeDir({ 'compose.yml': `controller:\n  port: ${port}\n${slowChatWorkflow(upstream.url, TOKENS, 100)}` })
  // mc idles on about 12 descriptors: 64 leave room for some 25 streams of the 40.
  proc = Bun.spawn(['sh', '-c', `ulimit -n 64 && exec "$0" "$@" up`, ...MC], { cwd: dir, stdout: 'ignore', stderr: 'pipe' })
  void (async () => {
    for await (const chunk of proc.stderr as ReadableStream<Uint8Array>) logs += new TextDecoder().decode(chunk)
  })()
  await waitForHttp(`${api}/health`, proc, () => logs)
})

afterAll(async () => {
  proc.kill('SIGTERM')
  await proc.exited
  upstream.stop()
})

test('streams beyond the open-file limit wait for a descriptor and then arrive whole (no 502)', async () => {
  const run = await concurrentStreams(STREAMS, TOKENS, () => fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"output_only":true}' }), () => true)
  expect([...run.kinds]).toEqual([])
  expect(run.errors).toBe(0)
  // The limit was reached (else this test proves nothing), and said once.
  expect(logs.match(/out of file descriptors \(EMFILE\)/g)).toHaveLength(1)
}, 30_000)

// `bun run bench`: 10,000 concurrent slow streams on one mc instance. Each is
// a chat of 11 tokens 100 ms apart from the local upstream; the client opens
// them all at once and reads every event. Reported: how long until all ended,
// errors, and mc's peak RSS, direct (the client reading the upstream) vs
// through mc, in rounds that take turns. Upstream, mc and client are separate
// processes on the same machine. BENCH_STREAMS and BENCH_ROUNDS change the sizes.

import type { EventSourceMessage } from 'eventsource-parser'
import { readFileSync, writeFileSync } from 'node:fs'
import { composeDir, freePort, MC, waitForHttp } from '../support/mc.ts'
import { ensureFetchRoom, startUpstreamProcess } from '../support/bench-processes.ts'
import { concurrentStreams, describeStreams, fmt, slowChatWorkflow } from '../support/concurrent-streams.ts'

// Room in this client's fetch for every stream at once.
await ensureFetchRoom(import.meta.path, 65000)

const STREAMS = Number(process.env.BENCH_STREAMS ?? 10_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)
const TOKENS = 11
const DELAY_MS = 100

const { url: upstream, proc: upstreamProc } = await startUpstreamProcess()

const port = freePort()
const api = `http://127.0.0.1:${port}/api`
const dir = composeDir({
  'compose.yml': `controller:\n  port: ${port}\n${slowChatWorkflow(upstream, TOKENS, DELAY_MS)}`,
})
const mcProc = Bun.spawn([...MC, 'up'], { cwd: dir, stdout: 'ignore', stderr: 'inherit' })
await waitForHttp(`${api}/health`, mcProc)

const peakRss = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${mcProc.pid}/status`, 'utf8'))![1]) / 1024
const resetPeakRss = () => writeFileSync(`/proc/${mcProc.pid}/clear_refs`, '5')

const directContent = ({ data }: EventSourceMessage) => data !== '[DONE]' && Boolean((JSON.parse(data) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content)
const direct = () =>
  fetch(`${upstream}/v1/chat/completions?tokens=${TOKENS}&delay_ms=${DELAY_MS}`, { method: 'POST', body: JSON.stringify({ stream: true, messages: [{ role: 'user', content: 'bench' }] }) })
const relayed = () => fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ output_only: true }) })

const many = (open: () => Promise<Response>, isContent: (event: EventSourceMessage) => boolean) => concurrentStreams(STREAMS, TOKENS, open, isContent)

console.log(`${STREAMS} concurrent streams of ${TOKENS} events ${DELAY_MS} ms apart, ${ROUNDS} rounds`)
const ratios: number[] = []
for (let round = 1; round <= ROUNDS; round++) {
  const first = await many(direct, directContent)
  await Bun.sleep(1000)
  resetPeakRss()
  const second = await many(relayed, () => true)
  const rss = peakRss()
  ratios.push(second.seconds / first.seconds)
  console.log(`round ${round}: direct ${describeStreams(first)}`)
  console.log(`round ${round}: through mc ${describeStreams(second)}; mc peak RSS ${fmt(rss, 0)} MiB; ${fmt(second.seconds / first.seconds)}× direct`)
  await Bun.sleep(1000)
}
const worst = Math.max(...ratios)
console.log(`${STREAMS} streams through mc: ${ratios.map((r) => `${fmt(r)}×`).join(', ')} the direct time (bound ≤ 1.25×: ${worst <= 1.25 ? 'met' : 'NOT met'})`)

mcProc.kill('SIGTERM')
upstreamProc.kill('SIGTERM')
await Promise.all([mcProc.exited, upstreamProc.exited])

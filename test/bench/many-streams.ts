// `bun run bench`: 10,000 concurrent slow streams on one mc instance. Each is
// a chat of 11 tokens 100 ms apart from the local upstream; the client opens
// them all at once and reads every event. Reported: how long until all ended,
// errors, and mc's peak RSS, direct (the client reading the upstream) vs
// through mc, in rounds that take turns. Upstream, mc and client are separate
// processes on the same machine. BENCH_STREAMS and BENCH_ROUNDS change the sizes.

import { createParser } from 'eventsource-parser'
import { readFileSync, writeFileSync } from 'node:fs'
import { composeDir, freePort, MC, waitForHttp } from '../support/mc.ts'
import { ensureFetchRoom, startUpstreamProcess } from '../support/bench-processes.ts'

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
  'compose.yml': `
controller:
  port: ${port}
workflow:
  id: chat
  output: \${output as text;sse-text}
  job: { component: chat }
component:
  id: chat
  type: http-client
  endpoint: ${upstream}/v1/chat/completions
  params: { tokens: ${TOKENS}, delay_ms: ${DELAY_MS} }
  body: { stream: true, messages: [{ role: user, content: bench }] }
  stream_format: json
  output: \${response[].choices[0].delta.content}
`,
})
const mcProc = Bun.spawn([...MC, 'up'], { cwd: dir, stdout: 'ignore', stderr: 'inherit' })
await waitForHttp(`${api}/health`, mcProc)

const peakRss = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${mcProc.pid}/status`, 'utf8'))![1]) / 1024
const resetPeakRss = () => writeFileSync(`/proc/${mcProc.pid}/clear_refs`, '5')

/** Reads a stream to its end: how many content events it had. */
async function contentEvents(response: Response, isContent: (data: string) => boolean): Promise<number> {
  let count = 0
  const parser = createParser({ onEvent: ({ data }) => void (isContent(data) && count++) })
  const decoder = new TextDecoder()
  for await (const chunk of response.body as ReadableStream<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }))
  return count
}

const directContent = (data: string) => data !== '[DONE]' && Boolean((JSON.parse(data) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content)
const direct = () =>
  fetch(`${upstream}/v1/chat/completions?tokens=${TOKENS}&delay_ms=${DELAY_MS}`, { method: 'POST', body: JSON.stringify({ stream: true, messages: [{ role: 'user', content: 'bench' }] }) })
const relayed = () => fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ output_only: true }) })

async function many(open: () => Promise<Response>, isContent: (data: string) => boolean) {
  let errors = 0
  const kinds = new Map<string, number>()
  const started = performance.now()
  await Promise.all(
    Array.from({ length: STREAMS }, async () => {
      try {
        const response = await open()
        if (!response.ok) throw new Error(`HTTP ${response.status}`)
        const count = await contentEvents(response, isContent)
        if (count !== TOKENS) throw new Error(`${count} events`)
      } catch (error) {
        errors++
        const kind = String((error as Error).message).slice(0, 60)
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1)
      }
    }),
  )
  return { seconds: (performance.now() - started) / 1000, errors, kinds }
}

const fmt = (n: number, digits = 2) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
const describe = (r: Awaited<ReturnType<typeof many>>) =>
  `${fmt(r.seconds)} s, ${r.errors} errors${r.kinds.size ? ` (${[...r.kinds].map(([k, n]) => `${n}× ${k}`).join('; ')})` : ''}`

console.log(`${STREAMS} concurrent streams of ${TOKENS} events ${DELAY_MS} ms apart, ${ROUNDS} rounds`)
const ratios: number[] = []
for (let round = 1; round <= ROUNDS; round++) {
  const first = await many(direct, directContent)
  await Bun.sleep(1000)
  resetPeakRss()
  const second = await many(relayed, () => true)
  const rss = peakRss()
  ratios.push(second.seconds / first.seconds)
  console.log(`round ${round}: direct ${describe(first)}`)
  console.log(`round ${round}: through mc ${describe(second)}; mc peak RSS ${fmt(rss, 0)} MiB; ${fmt(second.seconds / first.seconds)}× direct`)
  await Bun.sleep(1000)
}
const worst = Math.max(...ratios)
console.log(`${STREAMS} streams through mc: ${ratios.map((r) => `${fmt(r)}×`).join(', ')} the direct time (bound ≤ 1.25×: ${worst <= 1.25 ? 'met' : 'NOT met'})`)

mcProc.kill('SIGTERM')
upstreamProc.kill('SIGTERM')
await Promise.all([mcProc.exited, upstreamProc.exited])

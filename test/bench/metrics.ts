// `bun run bench`: what Prometheus metrics cost per streamed chunk. The same
// relay (one stream of 50,000 chunks, as fast as the upstream goes) through
// two mc processes, metrics on (the default) and off (MC_METRICS=off),
// in interleaved rounds taking turns going first; the cost is the median of
// the per-round throughput ratios (target: < 2%). The on-process is scraped
// once per round, as a Prometheus server would.

import { createParser } from 'eventsource-parser'
import { startComposed } from '../support/mc.ts'
import { startUpstreamProcess } from '../support/bench-processes.ts'
import { chatStreamComponent, sseWorkflow } from '../support/task-streams.ts'

const TOKENS = 50_000
const ROUNDS = Number(process.env.BENCH_METRICS_ROUNDS ?? 21)

const { url: upstream, proc: upstreamProc } = await startUpstreamProcess()

const composeFor = (port: number) => `
controller:
  port: ${port}
workflows:${sseWorkflow('chat')}
components:${chatStreamComponent('chat', `${upstream}/v1/chat/completions`, { content: 'bench', params: '{ tokens: "${input.tokens}" }' })}
`

const on = await startComposed(composeFor)
const off = await startComposed(composeFor, { MC_METRICS: 'off' })

/** Chunks per second of one relayed stream. */
async function throughput(api: string): Promise<number> {
  let count = 0
  const parser = createParser({ onEvent: () => count++ })
  const decoder = new TextDecoder()
  const started = performance.now()
  const response = await fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow_id: 'chat', input: { tokens: TOKENS }, output_only: true }) })
  for await (const chunk of response.body as ReadableStream<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }))
  if (count !== TOKENS) throw new Error(`expected ${TOKENS} chunks, got ${count}`)
  return count / ((performance.now() - started) / 1000)
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

// A warm-up stream each, not counted.
await throughput(on.api)
await throughput(off.api)
const onRates: number[] = []
const offRates: number[] = []
let scrapeBytes = 0
for (let round = 0; round < ROUNDS; round++) {
  const measureOn = async () => onRates.push(await throughput(on.api))
  const measureOff = async () => offRates.push(await throughput(off.api))
  if (round % 2 === 0) await measureOn().then(measureOff)
  else await measureOff().then(measureOn)
  scrapeBytes = (await (await fetch(`${on.api}/metrics`)).text()).length
}
const cost = 1 - median(onRates.map((rate, i) => rate / offRates[i]!))
const perChunkNs = (1 / median(onRates) - 1 / median(offRates)) * 1e9
console.log(
  `${`1 stream of ${TOKENS} chunks: metrics on vs off (median of ${ROUNDS})`.padEnd(52)} ${fmt(median(onRates), 0)} vs ${fmt(median(offRates), 0)} chunks/s: metrics cost ${fmt(cost * 100, 1)}% (${fmt(perChunkNs, 0)} ns a chunk; target < 2%: ${cost < 0.02 ? 'met' : 'NOT met'}; median of per-round ratios)`,
)
console.log(`${'/metrics after the rounds'.padEnd(52)} ${fmt(scrapeBytes / 1024)} KiB of text`)

upstreamProc.kill('SIGTERM')
await Promise.all([on.stop(), off.stop(), upstreamProc.exited])

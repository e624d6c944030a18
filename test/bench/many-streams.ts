// `bun run bench`: 10,000 concurrent slow streams on one mc instance. Each is
// a chat of 11 tokens 100 ms apart from a local upstream; the client opens
// them all at once and reads every event. Reported: how long until all ended,
// errors, and the relay's peak RSS and CPU time: direct (the client reading
// the upstream), through a bare Bun proxy (bare-proxy.ts: the floor of any
// relay on this runtime; once piping the body natively, once reading it in
// JavaScript) and through mc, in rounds that take turns after an
// uncounted warm-up round. Upstream, relay and client are separate processes
// on the same machine. Two upstreams: Node's HTTP server (how issue 10
// measured its bounds) and Bun's (upstream.ts), which spends less CPU per
// stream, so the relay's share of the shared cores is larger.
// BENCH_STREAMS and BENCH_ROUNDS change the sizes.

import type { EventSourceMessage } from 'eventsource-parser'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { composeDir, freePort, MC, ROOT, waitForHttp } from '../support/mc.ts'
import { memoryOf, resetPeak } from '../support/process-memory.ts'
import { ensureFetchRoom, startNodeUpstreamProcess, startUpstreamProcess } from '../support/bench-processes.ts'
import { concurrentStreams, describeStreams, fmt, slowChatWorkflow, type StreamsRun } from '../support/concurrent-streams.ts'

// Room in this client's fetch for every stream at once.
await ensureFetchRoom(import.meta.path, 65000)

const STREAMS = Number(process.env.BENCH_STREAMS ?? 10_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)
const TOKENS = 11
const DELAY_MS = 100

const directContent = ({ data }: EventSourceMessage) => data !== '[DONE]' && Boolean((JSON.parse(data) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content)
const many = (open: () => Promise<Response>, isContent: (event: EventSourceMessage) => boolean) => concurrentStreams(STREAMS, TOKENS, open, isContent)

/** CPU time (s, user + system) of a process, from /proc. */
const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100 // utime, stime in clock ticks (USER_HZ, 100 on Linux)
}

/** One pass of the streams through a relay process, with its peak RSS and CPU time. */
async function throughRelay(pid: number, open: () => Promise<Response>, isContent: (event: EventSourceMessage) => boolean): Promise<StreamsRun & { rss: number; cpu: number }> {
  resetPeak(pid)
  const cpuBefore = cpuSeconds(pid)
  const run = await many(open, isContent)
  return { ...run, rss: memoryOf(pid).peakMb, cpu: cpuSeconds(pid) - cpuBefore }
}

/** Rounds of direct, bare proxy and mc against one upstream; prints each and the bounds. */
async function measure(label: string, startUpstream: typeof startUpstreamProcess): Promise<void> {
  const { url: upstream, proc: upstreamProc } = await startUpstream()
  const port = freePort()
  const api = `http://127.0.0.1:${port}/api`
  const dir = composeDir({ 'compose.yml': `controller:\n  port: ${port}\n${slowChatWorkflow(upstream, TOKENS, DELAY_MS)}` })
  // Room for every stream: mc's cap on runs in progress (MC_MAX_RUNS) is 1,024 by default.
  const mcProc = Bun.spawn([...MC, 'up'], { cwd: dir, env: { ...process.env, MC_MAX_RUNS: String(STREAMS) }, stdout: 'ignore', stderr: 'inherit' })
  await waitForHttp(`${api}/health`, mcProc)
  const startProxy = async (readInJs: boolean) => {
    const proxyPort = freePort()
    const env = { ...process.env, PORT: String(proxyPort), UPSTREAM: upstream, READ_IN_JS: readInJs ? '1' : '0' }
    const proc = Bun.spawn([process.execPath, join(ROOT, 'test/support/bare-proxy.ts')], { env, stdout: 'ignore' })
    await waitForHttp(`http://127.0.0.1:${proxyPort}/health`, proc)
    return { proc, url: `http://127.0.0.1:${proxyPort}` }
  }
  const proxy = await startProxy(false)
  const jsProxy = await startProxy(true)

  const chat = `/v1/chat/completions?tokens=${TOKENS}&delay_ms=${DELAY_MS}`
  const chatBody = JSON.stringify({ stream: true, messages: [{ role: 'user', content: 'bench' }] })
  const direct = () => fetch(`${upstream}${chat}`, { method: 'POST', body: chatBody })
  const proxied = () => fetch(`${proxy.url}${chat}`, { method: 'POST', body: chatBody })
  const jsProxied = () => fetch(`${jsProxy.url}${chat}`, { method: 'POST', body: chatBody })
  const relayed = () => fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ output_only: true }) })
  const describeRelay = (run: Awaited<ReturnType<typeof throughRelay>>, first: StreamsRun) =>
    `${describeStreams(run)}; peak RSS ${fmt(run.rss, 0)} MiB, CPU ${fmt(run.cpu, 1)} s; ${fmt(run.seconds / first.seconds)}× direct`

  const ratios: number[] = []
  const rsses: number[] = []
  let errors = 0
  for (let round = 0; round <= ROUNDS; round++) {
    const name = round === 0 ? `${label} upstream, warm-up (not counted)` : `${label} upstream, round ${round}`
    const first = await many(direct, directContent)
    await Bun.sleep(1000)
    const piped = await throughRelay(proxy.proc.pid, proxied, directContent)
    await Bun.sleep(1000)
    const readInJs = await throughRelay(jsProxy.proc.pid, jsProxied, directContent)
    await Bun.sleep(1000)
    const mc = await throughRelay(mcProc.pid, relayed, () => true)
    console.log(`${name}: direct ${describeStreams(first)}`)
    console.log(`${name}: through a bare Bun proxy, body piped ${describeRelay(piped, first)}`)
    console.log(`${name}: through a bare Bun proxy, body read in JS ${describeRelay(readInJs, first)}`)
    console.log(`${name}: through mc ${describeRelay(mc, first)}`)
    if (round > 0) {
      ratios.push(mc.seconds / first.seconds)
      rsses.push(mc.rss)
      errors += mc.errors
    }
    await Bun.sleep(1000)
  }
  const bound = (met: boolean) => (met ? 'met' : 'NOT met')
  console.log(
    `${label} upstream, ${STREAMS} streams through mc: ${ratios.map((r) => `${fmt(r)}×`).join(', ')} the direct time (bound ≤ 1.25×: ${bound(Math.max(...ratios) <= 1.25)}); ` +
      `${errors} errors (bound 0: ${bound(errors === 0)}); peak RSS ${rsses.map((r) => fmt(r, 0)).join(', ')} MiB (bound < 300 MB: ${bound(Math.max(...rsses) * 1.048576 < 300)})`,
  )
  const procs = [mcProc, proxy.proc, jsProxy.proc, upstreamProc]
  for (const proc of procs) proc.kill('SIGTERM')
  await Promise.all(procs.map((proc) => proc.exited))
}

console.log(`${STREAMS} concurrent streams of ${TOKENS} events ${DELAY_MS} ms apart, ${ROUNDS} rounds per upstream`)
await measure('Node', startNodeUpstreamProcess)
await measure('Bun', startUpstreamProcess)

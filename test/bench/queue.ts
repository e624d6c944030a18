// `bun run bench`: 2,000 concurrent streams (11 tokens 100 ms apart from the
// local upstream) through one mc entry point and two mc queue workers on one
// redis-server, against the same streams on one local mc instance. The
// deployment is the README's: entry point and workers share a Redis task
// store (the workers record the streams; the entry point follows them), and
// also the entry point's own SQLite store (it records what it reads from the
// workers' Redis Streams, model-compose's way). Rounds take turns. Every
// process runs on this one machine. BENCH_QUEUE_STREAMS, BENCH_ROUNDS change the sizes.

import { composeDir, freePort, MC, waitForHttp } from '../support/mc.ts'
import { ensureFetchRoom, startUpstreamProcess } from '../support/bench-processes.ts'
import { concurrentStreams, describeFirsts, describeStreams, fmt, slowChatWorkflow, type StreamsRun } from '../support/concurrent-streams.ts'
import { startRedis } from '../support/redis.ts'

// Room in this client's fetch for every stream at once.
await ensureFetchRoom(import.meta.path, 16384)

const STREAMS = Number(process.env.BENCH_QUEUE_STREAMS ?? 2000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)
const TOKENS = 11

const redis = await startRedis()
const { url: upstream, proc: upstreamProc } = await startUpstreamProcess()

const chat = slowChatWorkflow(upstream, TOKENS, 100)
const sharedStore = `  task_store: { driver: redis, url: "${redis.url}", prefix: bench }\n`
const workerFile = (queue: string, store: string) =>
  `controller:\n${store}  adapter: { type: queue-subscriber, driver: redis, url: "${redis.url}", name: ${queue}, max_concurrent_count: ${STREAMS} }\n${chat}`
const entryFile = (port: number, queue: string, store: string) =>
  `controller:\n${store}  adapter: { type: http-server, port: ${port} }\n  queue: { driver: redis, url: "${redis.url}", name: ${queue} }\n`

const processes: ReturnType<typeof Bun.spawn>[] = []
function spawnMc(yaml: string): ReturnType<typeof Bun.spawn> {
  // Room for every stream: runs in progress (MC_MAX_RUNS, 1,024 by default) and tasks waiting in a queue (MC_QUEUE_MAX_LENGTH, 1,000).
  const env = { ...process.env, MC_MAX_RUNS: String(STREAMS), MC_QUEUE_MAX_LENGTH: String(STREAMS) }
  const proc = Bun.spawn([...MC, 'up'], { cwd: composeDir({ 'model-compose.yml': yaml }), env, stdout: 'ignore', stderr: 'ignore' })
  processes.push(proc)
  return proc
}
async function startInstance(yaml: (port: number) => string): Promise<string> {
  const port = freePort()
  const proc = spawnMc(yaml(port))
  await waitForHttp(`http://127.0.0.1:${port}/api/health`, proc)
  return `http://127.0.0.1:${port}/api`
}
async function startWorkers(queue: string, store: string): Promise<void> {
  for (let i = 0; i < 2; i++) spawnMc(workerFile(queue, store))
  // A worker has no port to wait on: a run through the queue answers once one pops.
}

const local = await startInstance((port) => `controller:\n  port: ${port}\n${chat}`)
await startWorkers('recorded', sharedStore)
const recorded = await startInstance((port) => entryFile(port, 'recorded', sharedStore))
await startWorkers('relayed', '')
const relayed = await startInstance((port) => entryFile(port, 'relayed', ''))

const many = (api: string) =>
  concurrentStreams(
    STREAMS,
    TOKENS,
    () => fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow_id: 'chat', output_only: true }) }),
    (event) => event.event !== 'error',
  )
const line = (run: StreamsRun) => `${describeStreams(run)} (${describeFirsts(run)})`

// One warm-up stream each: workers connect and load before the clock runs.
for (const api of [local, recorded, relayed]) await fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"workflow_id":"chat","output_only":true}' }).then((r) => r.text())

console.log(`${STREAMS} concurrent streams of ${TOKENS} tokens 100 ms apart, ${ROUNDS} rounds`)
const ratios = { recorded: [] as number[], relayed: [] as number[] }
for (let round = 1; round <= ROUNDS; round++) {
  const one = await many(local)
  const viaRecorded = await many(recorded)
  const viaRelayed = await many(relayed)
  ratios.recorded.push(viaRecorded.seconds / one.seconds)
  ratios.relayed.push(viaRelayed.seconds / one.seconds)
  console.log(`round ${round}: one local instance ${line(one)}`)
  console.log(`round ${round}: entry point + 2 workers, shared Redis task store ${line(viaRecorded)}; ${fmt(viaRecorded.seconds / one.seconds)}× local`)
  console.log(`round ${round}: entry point + 2 workers, entry's own SQLite store ${line(viaRelayed)}; ${fmt(viaRelayed.seconds / one.seconds)}× local`)
}
for (const [name, values] of Object.entries(ratios)) {
  const worst = Math.max(...values)
  console.log(`${STREAMS} streams through an entry point and 2 workers (${name}): ${values.map((r) => `${fmt(r)}×`).join(', ')} one local instance's time (bound ≤ 1.5×: ${worst <= 1.5 ? 'met' : 'NOT met'})`)
}

for (const proc of processes) proc.kill('SIGTERM')
upstreamProc.kill('SIGTERM')
await Promise.all([...processes.map((p) => p.exited), upstreamProc.exited])
await redis.stop()

// What the caps on runs and bodies hold under a flood (issue 18): 20,000
// never-ending background streams asked of one mc at once, then a one-shot
// http-client run and /health timed while they are open; mc's RSS, open file
// descriptors and task-store size; then 60 concurrent 15 MB request bodies
// and mc's peak RSS. Prints figures; asserts nothing.
//   bun test/bench/run-caps.ts [streams]

import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ensureFetchRoom, startUpstreamProcess } from '../support/bench-processes.ts'
import { composeDir, freePort, startMc } from '../support/mc.ts'
import { memoryOf, resetPeak } from '../support/process-memory.ts'
import { chatStreamComponent, sseWorkflow, words } from '../support/task-streams.ts'

const STREAMS = Number(process.argv[2] ?? 20_000)
await ensureFetchRoom(import.meta.path, STREAMS + 1000)

const upstream = await startUpstreamProcess()
const port = freePort()
const dir = composeDir({
  'compose.yml': `
controller:
  port: ${port}
workflows:${sseWorkflow('chat')}
  - id: quick
    output: \${output}
    jobs:
      - component: quick
components:${chatStreamComponent('chat', `${upstream.url}/v1/chat/completions?delay_ms=1000`)}
  - id: quick
    type: http-client
    endpoint: ${upstream.url}/json?text=ok
    output: \${response.text}
`,
})
const mc = await startMc(dir, [], port, { BUN_CONFIG_MAX_HTTP_REQUESTS: '8192' })
const api = `${mc.url}/api`
const pid = mc.proc.pid
const post = (body: unknown) => fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

const fds = () => readdirSync(`/proc/${pid}/fd`).length
const storeBytes = () => readdirSync(join(dir, '.mc')).reduce((sum, name) => sum + statSync(join(dir, '.mc', name)).size, 0)
async function timed(what: () => Promise<Response>): Promise<{ ms: number; status: number }> {
  const started = performance.now()
  const answer = await what()
  await answer.arrayBuffer()
  return { ms: performance.now() - started, status: answer.status }
}

console.log(`mc at start: ${memoryOf(pid).rssMb.toFixed(0)} MiB, ${fds()} fds`)
const quickBefore = await timed(() => post({ workflow_id: 'quick' }))
console.log(`one-shot run before the flood: ${quickBefore.ms.toFixed(1)} ms (${quickBefore.status})`)

const endless = { workflow_id: 'chat', input: { prompt: words(2000) }, wait_for_completion: false }
const started = performance.now()
const statuses = await Promise.all(
  Array.from({ length: STREAMS }, () =>
    post(endless).then(
      async (answer) => (await answer.arrayBuffer(), answer.status),
      () => 0,
    ),
  ),
)
const count = (status: number) => statuses.filter((s) => s === status).length
console.log(
  `${STREAMS} background streams asked in ${((performance.now() - started) / 1000).toFixed(1)} s: ${count(200)} accepted, ${count(503)} answered 503, ${count(0)} connection errors, ${statuses.length - count(200) - count(503) - count(0)} other`,
)
await Bun.sleep(3000)
const health = await timed(() => fetch(`${api}/health`))
const quick: number[] = []
for (let i = 0; i < 5; i++) quick.push((await timed(() => post({ workflow_id: 'quick' }))).ms)
console.log(`while they stream: one-shot run ${quick.map((ms) => ms.toFixed(1)).join(', ')} ms; /health ${health.ms.toFixed(1)} ms`)
console.log(`mc: ${memoryOf(pid).rssMb.toFixed(0)} MiB RSS (peak ${memoryOf(pid).peakMb.toFixed(0)}), ${fds()} fds, task store ${(storeBytes() / 1024 / 1024).toFixed(1)} MiB`)

// 60 bodies of 15 MB at once.
resetPeak(pid)
const body = JSON.stringify({ workflow_id: 'quick', input: { blob: 'x'.repeat(15_000_000) } })
const bodyStatuses = await Promise.all(
  Array.from({ length: 60 }, () =>
    post(JSON.parse(body)).then(
      async (answer) => (await answer.arrayBuffer(), answer.status),
      () => 0,
    ),
  ),
)
const tally = Object.entries(Object.groupBy(bodyStatuses, (s) => String(s))).map(([s, list]) => `${list!.length}×${s}`)
console.log(`60 concurrent 15 MB bodies: ${tally.join(', ')}; mc peak RSS meanwhile ${memoryOf(pid).peakMb.toFixed(0)} MiB`)

await mc.stop()
upstream.proc.kill()
process.exit(0)

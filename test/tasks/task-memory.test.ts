// Finished tasks keep their outputs within a budget of bytes, the oldest
// dropped first (issue 7, finding 9): runs of a 10 MB output no longer grow
// mc by 10 MB each. A dropped task still says what happened to it.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { composeDir, freePort, startMc, type McProcess } from '../support/mc.ts'
import { memoryOf, watch } from '../support/process-memory.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

const MB = 1_000_000
let upstream: Upstream
let mc: McProcess
let api: string

beforeAll(async () => {
  upstream = startUpstream()
  const port = freePort()
  const dir = composeDir({
    'compose.yml': `controller:\n  port: ${port}\ncomponent:\n  type: http-client\n  endpoint: ${upstream.url}/big?bytes=${10 * MB}\n  output: { text: "\${response}" }\n`,
  })
  mc = await startMc(dir, [], port)
  api = `${mc.url}/api`
})
afterAll(async () => {
  await mc.stop()
  upstream.stop()
})

const post = (body: unknown) => fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

async function finished(taskId: string): Promise<void> {
  for (;;) {
    const answer = await fetch(`${api}/tasks/${taskId}?output_only=true`)
    await answer.arrayBuffer()
    if (answer.status !== 202) return
    await Bun.sleep(20)
  }
}

test('200 runs of a 10 MB output: mc stays bounded by the 128 MiB budget, not by what ran', async () => {
  const before = memoryOf(mc.proc.pid).rssMb
  const memory = watch(`${api}/health`, mc.proc.pid, 20)
  const ids: string[] = []
  // One at a time: what is measured is what mc keeps, not ten 10 MB runs in flight.
  for (let batch = 0; batch < 200; batch++) {
    const { task_id } = (await (await post({ wait_for_completion: false })).json()) as { task_id: string }
    await finished(task_id)
    ids.push(task_id)
  }
  const { maxRssMb } = await memory.stop()
  // Kept, 200 outputs would be 2 GB; the budget holds about 6 of them (counted at 2 bytes a
  // character), and the rest is garbage the collector takes back while runs go on.
  expect(maxRssMb - before).toBeLessThan(600)

  const newest = await fetch(`${api}/tasks/${ids.at(-1)}`)
  expect(newest.status).toBe(200)
  expect(((await newest.json()) as { output: { text: string } }).output.text.length).toBe(10 * MB)
  const oldest = await fetch(`${api}/tasks/${ids[0]}`)
  expect(oldest.status).toBe(410)
  expect(await oldest.json()).toEqual({
    detail: `task "${ids[0]}" completed, but its output is no longer kept: the task store keeps at most 128 MiB (MC_TASK_STORE_BYTES), dropping the oldest finished tasks' outputs and recorded streams first`,
    task_id: ids[0],
    status: 'completed',
  })
}, 60_000)

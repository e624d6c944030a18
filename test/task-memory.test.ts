// Finished tasks keep their outputs within a budget of bytes, the oldest
// dropped first (issue 7, finding 9): 100 runs of a 10 MB output no longer
// grow mc by a gigabyte. A dropped task still says what happened to it.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { composeDir, freePort, startMc, type McProcess } from './support/mc.ts'
import { memoryOf } from './support/process-memory.ts'
import { startUpstream, type Upstream } from './support/upstream.ts'

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

test('100 runs of a 10 MB output: mc stays within the default 128 MiB budget (plus its own size)', async () => {
  const before = memoryOf(mc.proc.pid).rssMb
  const ids: string[] = []
  for (let batch = 0; batch < 10; batch++) {
    const started = await Promise.all(Array.from({ length: 10 }, async () => ((await (await post({ wait_for_completion: false })).json()) as { task_id: string }).task_id))
    await Promise.all(started.map(finished))
    ids.push(...started)
  }
  Bun.gc?.(true)
  const after = memoryOf(mc.proc.pid).rssMb
  // 100 outputs of 10 MB are a gigabyte; the budget keeps about 6 of them (each counted at 2 bytes a character).
  expect(after - before).toBeLessThan(300)

  const newest = await fetch(`${api}/tasks/${ids.at(-1)}`)
  expect(newest.status).toBe(200)
  expect(((await newest.json()) as { output: { text: string } }).output.text.length).toBe(10 * MB)
  const oldest = await fetch(`${api}/tasks/${ids[0]}`)
  expect(oldest.status).toBe(410)
  expect(await oldest.json()).toEqual({
    detail: `task "${ids[0]}" completed, but it is no longer kept: finished tasks keep at most 128 MiB of outputs (MC_TASK_MEMORY_BYTES), the oldest dropped first`,
    task_id: ids[0],
    status: 'completed',
  })
}, 60_000)

// An interrupted task outlives its mc process: it waits in the task store
// with its run's journal, and a resume from a new mc on the same store (after
// a restart), or from another mc sharing a Redis store while the first still
// holds the run, replays the run from the journal — the jobs done before the
// interrupt are not run again (each appends a line to a file, counted) — and
// completes it under the same task id. (The publish job waits for the draft
// because its interrupt's metadata reads it.)

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { SHELL_COMPONENT, settledTask } from '../support/interrupts.ts'
import { composeDir, freePort, startMc, type McProcess } from '../support/mc.ts'
import { redisAvailable, startRedis, type TestRedis } from '../support/redis.ts'

const compose = (port: number, store = '') => `
controller:
  type: http-server
  port: ${port}
  base_path: /api
${store}
workflow:
  jobs:
    - id: draft
      component: shell
      input:
        command: echo draft >> runs.txt; echo "draft of \${input.topic}"
    - id: publish
      component: shell
      input:
        command: echo publish >> runs.txt; echo "published \${input.topic}"
      interrupt:
        before:
          message: Publish this?
          metadata:
            draft: \${jobs.draft.output}
  output:
    draft: \${jobs.draft.output}
    published: \${jobs.publish.output}
components:${SHELL_COMPONENT}`

const send = (api: string, path: string, body: unknown) =>
  fetch(`${api}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
const json = async (r: Response) => (await r.json()) as Record<string, any>
const lines = (dir: string) => readFileSync(join(dir, 'runs.txt'), 'utf8').split('\n').filter(Boolean)

const started: McProcess[] = []
afterAll(() => Promise.all(started.map((mc) => mc.stop())))
async function mc(dir: string, port: number): Promise<McProcess> {
  const process = await startMc(dir, [], port)
  started.push(process)
  return process
}

const EXPECTED = { draft: 'draft of tides', published: 'published tides' }

describe('an interrupted task waits in the sqlite store', () => {
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    test(`after ${signal}, a new mc resumes it: done jobs do not run again`, async () => {
      const port = freePort()
      const dir = composeDir({ 'compose.yml': compose(port) })
      const first = await mc(dir, port)
      const interrupted = await json(await send(`${first.url}/api`, '/workflows/runs', { input: { topic: 'tides' } }))
      expect(interrupted).toMatchObject({ status: 'interrupted', interrupt: { job_id: 'publish', phase: 'before', message: 'Publish this?', metadata: { draft: 'draft of tides' } } })
      first.proc.kill(signal)
      await first.proc.exited

      const second = await mc(dir, port)
      const api = `${second.url}/api`
      const id = interrupted.task_id as string
      // Still waiting, with its point, in the new process's eyes.
      expect(await json(await fetch(`${api}/tasks/${id}`))).toEqual(interrupted)
      expect(await json(await send(api, `/tasks/${id}/resume`, { job_id: 'publish' }))).toEqual({ task_id: id, status: 'processing' })
      expect(await settledTask(api, id)).toEqual({ task_id: id, status: 'completed', output: EXPECTED })
      expect(lines(dir)).toEqual(['draft', 'publish'])
    })
  }

  test('a journal beyond MC_TASK_STREAM_BYTES is not kept: a resume after a restart fails the task saying so (409)', async () => {
    const port = freePort()
    const dir = composeDir({ 'compose.yml': compose(port) })
    const env = { MC_TASK_STREAM_BYTES: '100' }
    const first = await startMc(dir, [], port, env)
    started.push(first)
    const { task_id: id } = await json(await send(`${first.url}/api`, '/workflows/runs', { input: { topic: 'x'.repeat(200) } }))
    await first.stop()
    expect(first.logs()).toContain(`task ${id}: what its run produced so far is beyond MC_TASK_STREAM_BYTES (100 bytes): it is not kept, so only this process can resume the task`)
    const second = await startMc(dir, [], port, env)
    started.push(second)
    const api = `${second.url}/api`
    const refused = await send(api, `/tasks/${id}/resume`, { job_id: 'publish' })
    expect(refused.status).toBe(409)
    const reason = 'what its run produced before the interrupt was beyond MC_TASK_STREAM_BYTES and was not kept, and the process that ran it is gone'
    expect((await json(refused)).detail).toBe(`task "${id}" cannot be resumed here: ${reason}`)
    expect(await json(await fetch(`${api}/tasks/${id}`))).toEqual({ task_id: id, status: 'failed', error: reason })
  })

  test('cancelled after a restart, nobody holding its run, it fails "cancelled"', async () => {
    const port = freePort()
    const dir = composeDir({ 'compose.yml': compose(port) })
    const first = await mc(dir, port)
    const { task_id: id } = await json(await send(`${first.url}/api`, '/workflows/runs', { input: { topic: 'x' } }))
    await first.stop()
    const second = await mc(dir, port)
    expect(await json(await send(`${second.url}/api`, `/tasks/${id}/cancel`, {}))).toEqual({ task_id: id, status: 'failed', error: 'cancelled' })
  })
})

describe.skipIf(!redisAvailable())('two mc sharing a Redis store', () => {
  let redis: TestRedis
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(() => redis?.stop())

  test('a task interrupted on one is resumed on the other, which replays it; the first lets go of its run', async () => {
    const store = `  task_store: { driver: redis, url: "${redis.url}", prefix: hitl }`
    const [portA, portB] = [freePort(), freePort()]
    const dirA = composeDir({ 'compose.yml': compose(portA, store) })
    const dirB = composeDir({ 'compose.yml': compose(portB, store) })
    const a = await mc(dirA, portA)
    const b = await mc(dirB, portB)
    const interrupted = await json(await send(`${a.url}/api`, '/workflows/runs', { input: { topic: 'tides' } }))
    const id = interrupted.task_id as string
    expect(await json(await fetch(`${b.url}/api/tasks/${id}`))).toEqual(interrupted)
    expect((await send(`${b.url}/api`, `/tasks/${id}/resume`, { job_id: 'publish' })).status).toBe(200)
    expect(await settledTask(`${a.url}/api`, id)).toEqual({ task_id: id, status: 'completed', output: EXPECTED })
    // The draft ran once, on A; the publish once, on B (replaying A's journal); A's waiting run did not go on.
    await Bun.sleep(300)
    expect(lines(dirA)).toEqual(['draft'])
    expect(lines(dirB)).toEqual(['publish'])
  })
})

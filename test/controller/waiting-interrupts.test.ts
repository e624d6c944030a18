// Runs waiting for a human's answer (job interrupts) are bounded apart from
// the runs in progress: while they wait they do not count toward MC_MAX_RUNS
// (a resume admits them again, 503 when full, the task staying interrupted),
// and at most MC_MAX_WAITING_INTERRUPTS are held in memory — past it the
// oldest whose journal is in the store is parked, and its resume replays it
// (a shell job appending to runs.txt shows done jobs do not run twice). A run
// whose journal was beyond MC_TASK_STREAM_BYTES cannot be parked: when no run
// can be, the newcomer's task fails, naming the setting.

import { afterAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { SHELL_COMPONENT, settledTask } from '../support/interrupts.ts'
import { composeDir, freePort, startMc, type McProcess } from '../support/mc.ts'
import { until } from '../support/task-streams.ts'

const compose = (port: number, controller = '') => `
controller:
  type: http-server
  port: ${port}
  base_path: /api
${controller}
workflows:
  - id: review
    jobs:
      - id: draft
        component: shell
        input: { command: "echo draft \${input.topic} >> runs.txt; echo draft of \${input.topic}" }
      - id: publish
        component: shell
        depends_on: [ draft ]
        input: { command: "echo publish \${input.topic} >> runs.txt; echo published \${input.topic}" }
        interrupt: { before: { message: Publish? } }
  - id: quick
    jobs:
      - { id: say, component: shell, input: { command: echo quick } }
  - id: slow
    jobs:
      - { id: wait, type: delay, duration: 60s, output: waited }
components:${SHELL_COMPONENT}`

const started: McProcess[] = []
afterAll(() => Promise.all(started.map((mc) => mc.stop())))

async function mcWith(env: Record<string, string>, controller?: string) {
  const port = freePort()
  const dir = composeDir({ 'compose.yml': compose(port, controller) })
  const mc = await startMc(dir, [], port, env)
  started.push(mc)
  const api = mc.api
  const post = (path: string, body: unknown) => fetch(`${api}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const json = async (r: Response) => (await r.json()) as Record<string, any>
  const task = async (id: string) => json(await fetch(`${api}/tasks/${id}`))
  /** Waits for a resumed task's output. */
  const output = async (id: string): Promise<unknown> => {
    const done = await settledTask(api, id)
    expect(done.status).toBe('completed')
    return done.output
  }
  return {
    mc,
    post,
    json,
    task,
    /** Starts a review of `topic`: the task waiting at "publish". */
    interrupt: async (topic: string): Promise<string> => {
      const answer = await json(await post('/workflows/runs', { workflow_id: 'review', input: { topic } }))
      expect(answer).toMatchObject({ status: 'interrupted', interrupt: { job_id: 'publish', message: 'Publish?' } })
      return answer.task_id as string
    },
    /** Resumes a review and waits for its output. */
    publish: async (id: string): Promise<unknown> => {
      expect(await json(await post(`/tasks/${id}/resume`, { job_id: 'publish' }))).toEqual({ task_id: id, status: 'processing' })
      return output(id)
    },
    output,
    runs: () => readFileSync(join(dir, 'runs.txt'), 'utf8').split('\n').filter(Boolean),
  }
}

describe('MC_MAX_RUNS', () => {
  test('interrupted runs do not count while they wait, nor hold a max_concurrent_count slot; a resume is admitted again, 503 when full', async () => {
    const { post, json, task, interrupt, publish, output } = await mcWith({ MC_MAX_RUNS: '2' }, '  max_concurrent_count: 1')
    const ids = [await interrupt('a'), await interrupt('b'), await interrupt('c')]
    const quick = await post('/workflows/runs', { workflow_id: 'quick' })
    expect(quick.status).toBe(200)
    expect((await json(quick)).output).toBe('quick')

    // Two endless runs fill MC_MAX_RUNS (one runs, one waits for the slot): a resume now is refused like a new run, and the task still waits.
    const slow = [] as string[]
    for (let i = 0; i < 2; i++) slow.push((await json(await post('/workflows/runs', { workflow_id: 'slow', wait_for_completion: false }))).task_id)
    const refused = await post(`/tasks/${ids[0]}/resume`, { job_id: 'publish' })
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('5')
    expect((await json(refused)).detail).toContain('MC_MAX_RUNS')
    expect(await task(ids[0]!)).toMatchObject({ status: 'interrupted', interrupt: { job_id: 'publish' } })

    await post(`/tasks/${slow[0]}/cancel`, {})
    let resumed = refused
    await until('a place to be free', async () => (resumed = await post(`/tasks/${ids[0]}/resume`, { job_id: 'publish' })).status !== 503)
    expect(await json(resumed)).toEqual({ task_id: ids[0], status: 'processing' })
    // It waits for the slot the other endless run holds.
    await post(`/tasks/${slow[1]}/cancel`, {})
    expect(await output(ids[0]!)).toBe('published a')
    for (const id of ids.slice(1)) expect(await publish(id)).toMatch(/^published [bc]$/)
  })
})

describe('MC_MAX_WAITING_INTERRUPTS', () => {
  test('past it the oldest waiting run is parked; its resume replays it, done jobs not run again', async () => {
    const { mc, task, interrupt, publish, runs } = await mcWith({ MC_MAX_WAITING_INTERRUPTS: '1' })
    const first = await interrupt('a')
    const second = await interrupt('b')
    await until('the first to be parked', () => mc.logs().includes(`task ${first}: parked (MC_MAX_WAITING_INTERRUPTS runs wait for an answer in memory)`))
    expect(await task(first)).toMatchObject({ status: 'interrupted', interrupt: { job_id: 'publish' } })
    expect(await publish(first)).toBe('published a')
    expect(await publish(second)).toBe('published b')
    expect(mc.logs()).not.toContain(`task ${second}: parked`)
    expect(runs()).toEqual(['draft a', 'draft b', 'publish a', 'publish b'])
  })

  test('a run whose journal is not in the store is never parked: a newcomer is parked instead, or fails naming the setting', async () => {
    const { mc, post, json, task, interrupt, publish, runs } = await mcWith({ MC_MAX_WAITING_INTERRUPTS: '1', MC_TASK_STREAM_BYTES: '400' })
    const long = 'x'.repeat(300)
    const kept = await interrupt(long)
    expect(mc.logs()).toContain(`task ${kept}: what its run produced so far is beyond MC_TASK_STREAM_BYTES`)
    // A newcomer whose journal is stored is the one parked.
    const parked = await interrupt('short')
    await until('the newcomer to be parked', () => mc.logs().includes(`task ${parked}: parked`))
    expect(mc.logs()).not.toContain(`task ${kept}: parked`)
    // One that cannot be parked either fails its own task.
    const refused = await post('/workflows/runs', { workflow_id: 'review', input: { topic: `${long}y` } })
    const body = await json(refused)
    expect(refused.status).toBe(503)
    expect(body.status).toBe('failed')
    const reason = 'the runs waiting for an answer in memory are at their limit (MC_MAX_WAITING_INTERRUPTS: 1), and none of them, this one included, can be parked: what they produced was beyond MC_TASK_STREAM_BYTES, so it is not in the task store; raise either setting'
    expect(body.error).toBe(`task "${body.task_id}" cannot wait at job "publish": ${reason}`)
    expect(await task(body.task_id)).toMatchObject({ status: 'failed', error: body.error })
    expect(await publish(parked)).toBe('published short')
    expect(await publish(kept)).toBe(`published ${long}`)
    expect(runs()).toEqual([`draft ${long}`, 'draft short', `draft ${long}y`, 'publish short', `publish ${long}`])
  })
})

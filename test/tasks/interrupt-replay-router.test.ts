// A random-router's pick is journaled with the run (run-scope.ts decidedOnce):
// a run interrupted after the router, resumed by a new mc after a restart,
// is replayed from its journal and takes the same routing — the one whose
// job it waited at — instead of picking again. With 32 routings and four
// tasks per mode, a replay that picked anew would show with probability
// 1 - 32^-4 (a different job waiting, or a second line in runs.txt).

import { afterAll, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { SHELL_COMPONENT, settledTask } from '../support/interrupts.ts'
import { composeDir, freePort, startMc, type McProcess } from '../support/mc.ts'

const ROUTINGS = 32
const TASKS = 4
const branches = Array.from({ length: ROUTINGS }, (_, i) => `b${i}`)

const workflow = (id: string, mode: string) => `
  - id: ${id}
    jobs:
      - id: start
        component: shell
        input: { command: "echo ${id} start >> runs.txt; echo started" }
      - id: pick
        type: random-router
        mode: ${mode}
        depends_on: [ start ]
        routings: [ ${branches.map((b) => `{ to: ${b}, weight: 1 }`).join(', ')} ]
${branches.map((b) => `      - id: ${b}
        component: shell
        input: { command: "echo ${id} ${b} >> runs.txt; echo ${b}" }
        interrupt: { before: true }
`).join('')}`

const compose = (port: number) => `
controller:
  type: http-server
  port: ${port}
  base_path: /api
workflows:
${workflow('uniform', 'uniform')}${workflow('weighted', 'weighted')}
components:${SHELL_COMPONENT}`

const send = (api: string, path: string, body: unknown) =>
  fetch(`${api}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
const json = async (r: Response) => (await r.json()) as Record<string, any>

const started: McProcess[] = []
afterAll(() => Promise.all(started.map((mc) => mc.stop())))

test('after a restart, a resumed run takes the routing its random-router picked before the interrupt', async () => {
  const port = freePort()
  const dir = composeDir({ 'compose.yml': compose(port) })
  const first = await startMc(dir, [], port)
  started.push(first)
  const waiting: { workflow: string; id: string; branch: string }[] = []
  for (const workflow of ['uniform', 'weighted']) {
    for (let i = 0; i < TASKS; i++) {
      const interrupted = await json(await send(first.api, '/workflows/runs', { workflow_id: workflow }))
      expect(interrupted).toMatchObject({ status: 'interrupted', interrupt: { phase: 'before' } })
      waiting.push({ workflow, id: interrupted.task_id, branch: interrupted.interrupt.job_id })
    }
  }
  first.proc.kill('SIGKILL')
  await first.proc.exited

  const second = await startMc(dir, [], port)
  started.push(second)
  const api = second.api
  for (const { id, branch } of waiting) {
    expect(await json(await send(api, `/tasks/${id}/resume`, { job_id: branch }))).toEqual({ task_id: id, status: 'processing' })
    expect(await settledTask(api, id)).toEqual({ task_id: id, status: 'completed', output: branch })
  }
  // Each run's start ran once (journaled), and only its routing's job ran, once, after the resume.
  const lines = readFileSync(join(dir, 'runs.txt'), 'utf8').split('\n').filter(Boolean)
  const expected = waiting.flatMap(({ workflow, branch }) => [`${workflow} start`, `${workflow} ${branch}`])
  expect(lines.toSorted()).toEqual(expected.toSorted())
})

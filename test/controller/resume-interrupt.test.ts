// Human in the loop over HTTP (model-compose 0.4.92's job `interrupt` and
// POST /tasks/{id}/resume), against a real mc: a run stops before and after
// its job, showing the point (message and metadata rendered from
// ${job.input} / ${job.output}); each resume goes on with the answer (not
// null: it replaces the job's input before, its output after); a condition
// that does not hold does not stop; bad resumes are 404 / 409 / 400; only
// one of concurrent resumes wins; an interrupted task can be cancelled.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { SHELL_COMPONENT, settledTask } from '../support/interrupts.ts'
import { composeDir, freePort, startMc, type McProcess } from '../support/mc.ts'

const compose = (port: number) => `
controller:
  type: http-server
  port: ${port}
  base_path: /api
workflows:
  - id: review
    default: true
    jobs:
      - id: run-command
        component: shell
        input:
          command: echo ran >> count.txt; echo "\${input.word}"
        interrupt:
          before:
            message: "About to execute: \${job.input.command}"
            metadata:
              command: \${job.input.command}
          after:
            message: Command finished. Review the output.
            metadata:
              result: \${job.output}
        output:
          result: \${output}
  - id: gated
    jobs:
      - id: pay
        component: shell
        input:
          command: echo paid \${input.amount}
        interrupt:
          before:
            condition:
              input: \${input.amount}
              operator: gt
              value: 1000
            message: "Confirm payment of \${input.amount}"
        output: \${output}
components:${SHELL_COMPONENT}`

let mc: McProcess
let api: string
let dir: string

beforeAll(async () => {
  const port = freePort()
  dir = composeDir({ 'compose.yml': compose(port) })
  mc = await startMc(dir, [], port)
  api = `${mc.url}/api`
})
afterAll(() => mc?.stop())

const send = (path: string, body: unknown) => fetch(`${api}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
const json = async (r: Response) => (await r.json()) as Record<string, any>
const task = async (id: string) => json(await fetch(`${api}/tasks/${id}`))
const runs = () => {
  try {
    return readFileSync(join(dir, 'count.txt'), 'utf8').split('\n').filter(Boolean).length
  } catch {
    return 0
  }
}

describe('job interrupts', () => {
  test('a waited run answers "interrupted" before the job; resumes go on to the after point, then to the output', async () => {
    const before = runs()
    const first = await json(await send('/workflows/runs', { input: { word: 'hello' } }))
    const command = 'echo ran >> count.txt; echo "hello"'
    expect(first).toEqual({
      task_id: expect.any(String),
      status: 'interrupted',
      interrupt: { job_id: 'run-command', run_id: null, phase: 'before', message: `About to execute: ${command}`, metadata: { command } },
    })
    const id = first.task_id as string
    expect(await task(id)).toEqual(first)
    expect(runs()).toBe(before)
    // A resume naming another job is refused; the task still waits.
    const wrong = await send(`/tasks/${id}/resume`, { job_id: 'other' })
    expect(wrong.status).toBe(409)
    expect((await json(wrong)).detail).toBe(`job_id: task "${id}" waits at job "run-command", not "other"`)
    expect(await json(await send(`/tasks/${id}/resume`, { job_id: 'run-command' }))).toEqual({ task_id: id, status: 'processing' })
    const after = await settledTask(api, id)
    expect(after).toMatchObject({ status: 'interrupted', interrupt: { job_id: 'run-command', phase: 'after', message: 'Command finished. Review the output.', metadata: { result: 'hello' } } })
    expect(runs()).toBe(before + 1)
    // An answer after replaces the job's output.
    await send(`/tasks/${id}/resume`, { job_id: 'run-command', answer: 'approved by a human' })
    expect(await settledTask(api, id)).toEqual({ task_id: id, status: 'completed', output: { result: 'approved by a human' } })
    expect(runs()).toBe(before + 1)
    const late = await send(`/tasks/${id}/resume`, { job_id: 'run-command' })
    expect(late.status).toBe(409)
    expect((await json(late)).detail).toBe(`task "${id}" is not interrupted (it is completed): only an interrupted task can be resumed`)
  })

  test('an answer before replaces the input the component gets', async () => {
    const { task_id: id } = await json(await send('/workflows/runs', { input: { word: 'original' } }))
    await send(`/tasks/${id}/resume`, { job_id: 'run-command', answer: { command: 'echo replaced' } })
    expect((await settledTask(api, id)).interrupt.metadata).toEqual({ result: 'replaced' })
    await send(`/tasks/${id}/resume`, { job_id: 'run-command', answer: null })
    expect((await settledTask(api, id)).output).toEqual({ result: 'replaced' })
  })

  test('a condition that does not hold does not stop the run; one that holds does', async () => {
    expect(await json(await send('/workflows/runs', { workflow_id: 'gated', input: { amount: 20 } }))).toMatchObject({ status: 'completed', output: 'paid 20' })
    const big = await json(await send('/workflows/runs', { workflow_id: 'gated', input: { amount: 5000 } }))
    expect(big).toMatchObject({ status: 'interrupted', interrupt: { job_id: 'pay', phase: 'before', message: 'Confirm payment of 5000', metadata: null } })
    await send(`/tasks/${big.task_id}/resume`, { job_id: 'pay' })
    expect(await settledTask(api, big.task_id)).toMatchObject({ status: 'completed', output: 'paid 5000' })
  })

  test('output_only answers 202 with the point; a background run becomes interrupted in the store', async () => {
    const waited = await send('/workflows/runs', { workflow_id: 'gated', input: { amount: 2000 }, output_only: true })
    expect(waited.status).toBe(202)
    expect(await json(waited)).toMatchObject({ status: 'interrupted', interrupt: { job_id: 'pay' } })
    const { task_id: id } = await json(await send('/workflows/runs', { workflow_id: 'gated', input: { amount: 3000 }, wait_for_completion: false }))
    expect(await settledTask(api, id)).toMatchObject({ status: 'interrupted', interrupt: { job_id: 'pay', phase: 'before' } })
    const only = await fetch(`${api}/tasks/${id}?output_only=true`)
    expect(only.status).toBe(202)
    expect(await json(only)).toMatchObject({ status: 'interrupted', interrupt: { job_id: 'pay' } })
  })

  test('bad resumes: unknown task 404, a body without job_id 400; of concurrent resumes one wins', async () => {
    const unknown = await send('/tasks/nope/resume', { job_id: 'x' })
    expect(unknown.status).toBe(404)
    expect((await json(unknown)).detail).toBe('unknown task "nope"')
    const { task_id: id } = await json(await send('/workflows/runs', { input: { word: 'race' } }))
    const missing = await send(`/tasks/${id}/resume`, { answer: 1 })
    expect(missing.status).toBe(400)
    expect((await json(missing)).detail).toMatch(/^job_id: expected the id of the job/)
    const answers = await Promise.all(Array.from({ length: 6 }, () => send(`/tasks/${id}/resume`, { job_id: 'run-command' })))
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409])
    expect(await settledTask(api, id)).toMatchObject({ status: 'interrupted', interrupt: { phase: 'after' } })
  })

  test('an interrupted task can be cancelled', async () => {
    const { task_id: id } = await json(await send('/workflows/runs', { input: { word: 'never' } }))
    const cancelled = await send(`/tasks/${id}/cancel`, {})
    expect(await json(cancelled)).toEqual({ task_id: id, status: 'failed', error: 'cancelled' })
    expect((await send(`/tasks/${id}/resume`, { job_id: 'run-command' })).status).toBe(409)
  })
})

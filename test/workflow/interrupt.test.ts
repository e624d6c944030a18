// Job interrupts in the workflow engine (model-compose 0.4.92's `interrupt`),
// run in process inside a session that answers from a script: the points a
// run stops at (parallel runs told apart by run_id, jobs of other types,
// workflows run by a component), what an answer replaces, a journal that
// replays a run without running its done component runs again, and the
// load errors of a bad `interrupt` (file:line:col).

import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { InterruptPoint } from '../../core/tasks/store/task-store.ts'
import { RunJournal } from '../../core/workflow/run-journal.ts'
import { inSession, type TaskSession } from '../../core/workflow/run-scope.ts'
import { SHELL_COMPONENT } from '../support/interrupts.ts'
import { loaders, run } from './control-flow-harness.ts'

const { load, loadError } = loaders()

/** A session answering each point with `answer(point)`, remembering the points. */
function scripted(answer: (point: InterruptPoint) => unknown, journal = new RunJournal()) {
  const points: InterruptPoint[] = []
  const session: TaskSession = {
    journal,
    async ask(point) {
      points.push(point)
      return answer(point)
    },
  }
  return { session, points, journal }
}

const shell = `
components:${SHELL_COMPONENT}`

describe('interrupt points', () => {
  test('parallel runs (repeat_count) stop each with its run_id; each answer replaces its input', async () => {
    const { runtime } = await load(`
workflow:
  jobs:
    - id: twice
      component: shell
      repeat_count: 2
      input: { command: echo same }
      interrupt: { before: true }
${shell}`)
    const { session, points } = scripted((point) => ({ command: `echo run ${point.run_id}` }))
    expect(await inSession(session, () => run(runtime, undefined, {}))).toEqual(['run 0', 'run 1'])
    expect(points.map((p) => [p.job_id, p.run_id, p.phase, p.message, p.metadata])).toEqual([
      ['twice', '0', 'before', null, null],
      ['twice', '1', 'before', null, null],
    ])
  })

  test('a job of another type stops around its body; an answer after replaces its output', async () => {
    const { runtime } = await load(`
workflow:
  jobs:
    - id: keep
      type: filter
      input: [1, 2, 3]
      interrupt:
        after:
          message: "kept \${job.output}"
  output: \${jobs.keep.output}
${shell}`)
    const { session, points } = scripted((point) => (point.phase === 'after' ? ['chosen'] : null))
    expect(await inSession(session, () => run(runtime, undefined, {}))).toEqual(['chosen'])
    expect(points).toEqual([{ job_id: 'keep', run_id: null, phase: 'after', message: 'kept [1, 2, 3]', metadata: null }])
  })

  test('outside a task, an interrupt fails the run saying how to run it', async () => {
    const { runtime } = await load(`
workflow:
  jobs:
    - id: ask
      component: shell
      input: { command: echo hi }
      interrupt: { after: true }
${shell}`)
    await expect(run(runtime, undefined, {})).rejects.toThrow('job "ask" interrupts (after) for a human\'s answer: run it as a task (mc up, then POST /workflows/runs) so that it can be resumed')
  })
})

describe('the journal', () => {
  test('a workflow run by a component stops at its own job; a replay from the journal runs no done component again', async () => {
    const { runtime, dir } = await load(`
workflows:
  - id: main
    default: true
    jobs:
      - id: prepare
        component: shell
        input: { command: "echo prepare >> runs.txt; echo ready" }
      - id: delegate
        component: tool
        depends_on: [ prepare ]
        input: { note: "\${jobs.prepare.output}" }
  - id: write
    jobs:
      - id: save
        component: shell
        input: { command: "echo save >> runs.txt; echo saved \${input.note}" }
        interrupt:
          before:
            message: "Save \${job.input.command}?"
components:
  - id: tool
    type: workflow
    action: { workflow: write }${SHELL_COMPONENT}`)
    const runs = () => readFileSync(join(dir, 'runs.txt'), 'utf8').split('\n').filter(Boolean)
    // The first life of the run stops at the inner job and is dropped there (a process gone).
    const first = scripted(() => new Promise(() => {}))
    void inSession(first.session, () => run(runtime, undefined, {}))
    for (let i = 0; i < 200 && first.points.length === 0; i++) await Bun.sleep(10)
    expect(first.points).toEqual([{ job_id: 'save', run_id: null, phase: 'before', message: 'Save echo save >> runs.txt; echo saved ready?', metadata: null }])
    expect(runs()).toEqual(['prepare'])
    // Its journal, through JSON as the store keeps it, replays the run with the answer at the point.
    const kept = JSON.parse(JSON.stringify(first.journal)) as ConstructorParameters<typeof RunJournal>[0]
    const journal = new RunJournal(kept)
    const key = 'main#0 > delegate#0 > tool#0 > write#0 > save#0 @before'
    journal.decided(key, null)
    const again = scripted(() => {
      throw new Error('asked again')
    }, journal)
    expect(await inSession(again.session, () => run(runtime, undefined, {}))).toBe('saved ready')
    expect(runs()).toEqual(['prepare', 'save'])
  })
})

describe('load errors', () => {
  test('a bad interrupt names its place', async () => {
    const base = (interrupt: string) => `workflow:\n  jobs:\n    - id: j\n      component: shell\n      interrupt: ${interrupt}\n${shell}`
    expect(await loadError(base('{ sideways: true }'))).toMatch(/compose\.yml:5:\d+.*sideways/)
    expect(await loadError(base('{ before: { condition: { operator: nope, value: 1 } } }'))).toMatch(/compose\.yml:5:\d+: workflow\.jobs\[0\]\.interrupt\.before: expected true, false, or \{condition, message, metadata\}/)
    expect(await loadError(base('{ before: { message: "${jobz.x}" } }'))).toMatch(/compose\.yml:5:\d+: workflow\.jobs\[0\]\.interrupt\.before\.message: .*unknown binding "jobz" \(bindings: .*, job\)/)
    // `${job...}` is an interrupt's own: elsewhere it is no binding of mc's.
    expect(await loadError(`workflow:\n  jobs:\n    - id: j\n      component: shell\n      input: { command: "\${job.input}" }\n${shell}`)).toMatch(/job/)
  })
})

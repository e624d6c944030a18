// What control-flow jobs add to a workflow's input schema, and their mistakes
// in a compose file: one line at file:line:col each, when the file loads.
// The helpers are in control-flow-harness.ts.
import { describe, expect, test } from 'bun:test'
import { loaders, run, say, shell } from './control-flow-harness.ts'

const { runtimeFor, loadError } = loaders()

describe('input schema and load errors', () => {
  test('the inputs control-flow jobs read are in the schema; only a read marked @(required true) is required', async () => {
    const runtime = await runtimeFor(`
workflow:
  jobs:
      - { id: gate, type: if, input: "\${input.score as integer @(required true)}", operator: gte, value: 50, if_true: sort, if_false: nope }
      - { id: sort, type: switch, input: "\${input.lang}", value: ko, then: each, otherwise: nope }
      - { id: each, type: for-each, input: "\${input.words as list}", do: { component: echo, input: { w: "\${item}" } } }
      - { id: keep, type: filter, input: "\${input.tags as list}", depends_on: [each] }
${say('nope', 'no ${input.reason}')}
components:
${shell('echo', 'printf %s "${input.w}"')}`)
    const fields = Object.fromEntries(runtime.workflow().inputSchema.map((f) => [f.name, [f.type, f.required]]))
    expect(fields).toEqual({ score: ['integer', true], lang: ['string', false], words: ['list', false], tags: ['list', false], reason: ['string', false] })
    await expect(run(runtime, undefined, {})).rejects.toThrow('input.score: is required')
    await expect(run(runtime, undefined, { score: 'many' })).rejects.toThrow(/input\.score: expected an? (number|integer)/)
    expect(await run(runtime, undefined, { score: 90, lang: 'ko', words: ['a', 'b'], tags: ['t'] })).toEqual(['t'])
  })

  test('one line at file:line:col for each mistake', async () => {
    const job = (text: string) => `component:\n  type: shell\n  command: "true"\nworkflow:\n  jobs:\n    - id: a\n${text}    - { id: b, type: filter, output: b }\n`
    expect(await loadError(job('      type: loop\n'))).toBe(
      'compose.yml:7:13: workflow.jobs[0].type: "loop" is not a job type (job types: component, action, if, switch, random-router, delay, filter, for-each)',
    )
    expect(await loadError(job('      type: if\n      operator: eq\n      if_true: ghost\n'))).toBe(
      'compose.yml:9:16: workflow.jobs[0].conditions[0].if_true: unknown job "ghost" (jobs: a, b)',
    )
    expect(await loadError(job('      on_error: { to: ghost }\n'))).toBe('compose.yml:7:23: workflow.jobs[0].on_error.to: unknown job "ghost" (jobs: a, b)')
    expect(await loadError(job('      depends_on: [b, [b, ghost]]\n'))).toBe('compose.yml:7:27: workflow.jobs[0].depends_on[1][1]: unknown job "ghost" (jobs: a, b)')
    expect(await loadError(job('      depends_on: [b, []]\n'))).toBe('compose.yml:7:23: workflow.jobs[0].depends_on[1]: an OR group needs at least one job id')
    expect(await loadError(job('      depends_on: [[b]]\n').replace('output: b }', 'output: b, depends_on: [a] }'))).toMatch(
      /^compose\.yml:\d+:\d+: workflow\.jobs\[\d\]\.depends_on: dependency cycle: (a → b → a|b → a → b)$/,
    )
    expect(await loadError(job('      hook:\n        before: { script: "def hook(input, **kw): return input" }\n'))).toBe(
      'compose.yml:7:7: workflow.jobs[0].hook: "hook" is a model-compose job key that mc cannot honour: it runs inline Python before or after the job, and mc runs no Python',
    )
    expect(await loadError(job('      interrupt: { before: maybe }\n'))).toMatch(/^compose\.yml:7:28: workflow\.jobs\[0\]\.interrupt\.before: expected true, false, or \{condition, message, metadata\}/)
    expect(await loadError(job('      type: if\n      operator: match\n      value: "(unclosed"\n      if_true: b\n'))).toMatch(
      /^compose\.yml:9:14: workflow\.jobs\[0\]\.conditions\[0\]\.value: bad regular expression "\(unclosed": /,
    )
    expect(await loadError(job('      type: delay\n      duration: soon\n'))).toMatch(/^compose\.yml:8:17: workflow\.jobs\[0\]\.duration: expected a duration/)
    expect(await loadError(job('      retry: { max_attempt_count: 0 }\n'))).toBe(
      'compose.yml:7:14: workflow.jobs[0].retry: expected an attempt count, or {max_attempt_count, delay, backoff, max_delay}, got {"max_attempt_count":0}',
    )
  })
})

// Jobs run again (model-compose's repeat_count, retry, on_error,
// max_run_count, routing loops) and OR groups of depends_on, through real runs
// on shell commands. The helpers are in control-flow-harness.ts.
import { describe, expect, test } from 'bun:test'
import { lines, loaders, run, say, shell } from './control-flow-harness.ts'

const { load, runtimeFor } = loaders()

describe('repeat, retry, on_error, loops, OR groups', () => {
  test('repeat_count runs the component that many times at once and lists the outputs', async () => {
    const { runtime, dir } = await load(`
workflows:
  - id: fixed
    jobs: [{ id: roll, component: roll, repeat_count: 3 }]
  - id: bound
    jobs: [{ id: roll, component: roll, repeat_count: "\${input.n}" }]
components:
${shell('roll', 'echo run >> runs.txt; printf ok')}`)
    expect(await run(runtime, 'fixed', {})).toEqual(['ok', 'ok', 'ok'])
    expect(await run(runtime, 'bound', { n: 2 })).toEqual(['ok', 'ok'])
    expect(lines(dir, 'runs.txt')).toHaveLength(5)
    await expect(run(runtime, 'bound', { n: 0 })).rejects.toThrow('repeat_count: expected a whole number, 1 or more, got 0')
  })

  test('retry: attempts with a delay growing exponentially up to max_delay; then the error', async () => {
    // Fails (gives no number) until its third attempt; each attempt writes when it ran.
    const attempt = 'date +%s%3N >> times.txt; n=$(wc -l < times.txt); if [ "$n" -lt "${input.succeed_at}" ]; then printf nope; else printf "%s" "$n"; fi'
    const { runtime, dir } = await load(`
workflows:
  - id: backoff
    jobs: [{ id: flaky, component: flaky, input: { succeed_at: 4 }, retry: { max_attempt_count: 4, delay: 200ms, backoff: exponential, max_delay: 250ms } }]
  - id: short
    jobs: [{ id: flaky, component: flaky, input: { succeed_at: 9 }, retry: 2 }]
components:
  - id: flaky
    type: shell
    command: ${JSON.stringify(attempt)}
    output: \${stdout as integer}
`)
    expect(await run(runtime, 'backoff', {})).toBe(4)
    const times = lines(dir, 'times.txt').map(Number)
    const gaps = times.slice(1).map((t, i) => t - times[i]!)
    // 200ms, then 400ms capped to 250ms, twice (uncapped it would be 400ms and 800ms).
    expect(gaps[0]).toBeGreaterThanOrEqual(195)
    expect(gaps[1]).toBeGreaterThanOrEqual(245)
    expect(gaps[2]).toBeGreaterThanOrEqual(245)
    expect(gaps[2]).toBeLessThan(700)
    await expect(run(runtime, 'short', {})).rejects.toThrow('expected a number, got "nope"')
    expect(lines(dir, 'times.txt')).toHaveLength(6)
  })

  test('on_error: ignore gives null; output reads ${error.message}; to routes to a fallback', async () => {
    const runtime = await runtimeFor(`
workflows:
  - id: ignore
    output: { first: "\${jobs.slow.output}", then: "\${jobs.after.output}" }
    jobs:
      - { id: slow, component: slow, on_error: ignore }
${say('after', 'went on', ', depends_on: [slow]')}
  - id: output
    jobs:
      - { id: slow, component: slow, on_error: { output: { status: failed, reason: "\${error.message}" } } }
  - id: to
    jobs:
      - { id: slow, component: slow, on_error: { to: fallback } }
${say('fallback', 'fell back')}
components:
${shell('slow', 'sleep 5', '    timeout: 0.2\n')}`)
    expect(await run(runtime, 'ignore', {})).toEqual({ first: null, then: 'went on' })
    expect(await run(runtime, 'output', {})).toEqual({ status: 'failed', reason: expect.stringContaining('timed out') })
    expect(await run(runtime, 'to', {})).toBe('fell back')
  })

  test('routing back to a done job runs it and its dependents again, up to max_run_count', async () => {
    const loop = (max: number) => `
workflow:
  jobs:
      - { id: start, type: switch, otherwise: work }
      - { id: work, component: count, max_run_count: ${max} }
      - { id: check, type: if, input: "\${jobs.work.output as integer}", operator: lt, value: 3, if_true: work, if_false: finish }
${say('finish', 'done after ${jobs.work.output}')}
components:
${shell('count', 'echo x >> count.txt; wc -l < count.txt | tr -d " "')}`
    expect(await run(await runtimeFor(loop(25)), undefined, {})).toBe('done after 3')
    await expect(run(await runtimeFor(loop(2)), undefined, {})).rejects.toThrow('job "work" reached its max_run_count (2)')
  })

  test('depends_on: a nested list is an OR group; a job waiting on a branch not taken does not run', async () => {
    const runtime = await runtimeFor(`
workflows:
  - id: or
    jobs:
      - { id: pick, type: if, input: "\${input.fast}", value: true, if_true: quick, if_false: slow }
${say('quick', 'quick')}${say('slow', 'slow')}${say('join', 'joined ${jobs.quick.output}${jobs.slow.output}', ', depends_on: [pick, [quick, slow]]')}
  - id: and
    jobs:
      - { id: pick, type: if, input: "\${input.fast}", value: true, if_true: quick, if_false: slow }
${say('quick', 'quick')}${say('slow', 'slow')}${say('join', 'joined', ', depends_on: [quick, slow]')}`)
    expect(await run(runtime, 'or', { fast: true })).toBe('joined quick')
    expect(await run(runtime, 'or', { fast: false })).toBe('joined slow')
    expect(await run(runtime, 'and', { fast: true })).toBe('quick')
  })
})

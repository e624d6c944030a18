// Control-flow jobs that choose where a run goes, and when (model-compose's
// if, switch, random-router, delay), through real runs of a Runtime in process.
// The helpers are in control-flow-harness.ts.
import { describe, expect, test } from 'bun:test'
import { loaders, run, say } from './control-flow-harness.ts'

const { runtimeFor } = loaders()

describe('if', () => {
  test('conditions in order, the first with a target for its outcome wins; otherwise', async () => {
    const runtime = await runtimeFor(`
workflow:
  jobs:
      - id: classify
        type: if
        input: \${input.score as integer}
        conditions:
          - { operator: gte, value: 90, if_true: a }
          - { operator: gte, value: 70, if_true: b }
        otherwise: f
${say('a', 'A for ${input.score}')}${say('b', 'B')}${say('f', 'F')}`)
    expect(await run(runtime, undefined, { score: 95 })).toBe('A for 95')
    expect(await run(runtime, undefined, { score: '75' })).toBe('B')
    expect(await run(runtime, undefined, { score: 10 })).toBe('F')
  })

  test("a lone condition at job level; 0.4.10's input inside each condition", async () => {
    const runtime = await runtimeFor(`
workflows:
  - id: shorthand
    jobs:
      - { id: check, type: if, input: "\${input.flagged}", operator: eq, value: false, if_true: ok, if_false: rejected }
${say('ok', 'processed')}${say('rejected', 'rejected')}
  - id: old
    jobs:
      - id: check
        type: if
        conditions:
          - { input: "\${input.a}", operator: eq, value: x, if_true: first }
          - { input: "\${input.b}", operator: eq, value: y, if_true: second }
${say('first', 'first')}${say('second', 'second')}`)
    expect(await run(runtime, 'shorthand', { flagged: false })).toBe('processed')
    expect(await run(runtime, 'shorthand', { flagged: 'true' })).toBe('rejected')
    expect(await run(runtime, 'old', { a: 'no', b: 'y' })).toBe('second')
  })

  test('each operator', async () => {
    const operators = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'not-in', 'starts-with', 'ends-with', 'match']
    const runtime = await runtimeFor(`workflows:\n${operators
      .map((op) => `  - id: ${op}\n    jobs:\n      - { id: test, type: if, input: "\${input.x}", operator: ${op}, value: "\${input.v}", if_true: yes, if_false: no }\n${say('yes', 'yes')}${say('no', 'no')}`)
      .join('')}`)
    const cases: [string, unknown, unknown, string][] = [
      ['eq', 3, '3', 'yes'], ['eq', 'a', 'b', 'no'], ['eq', { k: [1] }, { k: [1] }, 'yes'], ['neq', 'a', 'b', 'yes'],
      ['gt', 10, 9, 'yes'], ['gt', '10', 9, 'yes'], ['gte', 9, 9, 'yes'], ['lt', 10, 9, 'no'], ['lte', 8, 9, 'yes'], ['lt', 'apple', 'banana', 'yes'],
      ['in', 'b', ['a', 'b'], 'yes'], ['in', 'ell', 'hello', 'yes'], ['in', 'z', ['a'], 'no'], ['not-in', 'z', ['a'], 'yes'], ['in', 'k', { k: 1 }, 'yes'],
      ['starts-with', 'hello', 'he', 'yes'], ['ends-with', 'hello', 'lo', 'yes'], ['ends-with', 'hello', 'he', 'no'],
      ['match', 'abc123', '[a-z]+\\d+', 'yes'], ['match', 'x-abc', 'abc', 'no'],
    ]
    for (const [op, x, v, expected] of cases) expect([op, x, v, await run(runtime, op, { x, v })]).toEqual([op, x, v, expected])
    await expect(run(runtime, 'gt', { x: 'abc', v: 9 })).rejects.toThrow('job "test", conditions[0]: cannot compare "abc" gt 9')
  })
})

describe('switch and random-router', () => {
  test('switch: the first equal case, otherwise; a lone case at job level; branches may depend on the switch', async () => {
    const runtime = await runtimeFor(`
workflows:
  - id: greet
    jobs:
      - id: pick
        type: switch
        input: \${input.language}
        cases: [{ value: ko, then: ko }, { value: "1", then: one }]
        otherwise: other
${say('ko', '안녕, ${input.name}')}${say('one', 'one')}${say('other', 'hello (${input.language})')}
  - id: lone
    jobs:
      - { id: pick, type: switch, input: "\${input.kind}", value: image, then: image, otherwise: rest }
${say('image', 'image', ', depends_on: [pick]')}${say('rest', 'rest', ', depends_on: [pick]')}`)
    expect(await run(runtime, 'greet', { language: 'ko', name: 'mc' })).toBe('안녕, mc')
    expect(await run(runtime, 'greet', { language: 1 })).toBe('one')
    expect(await run(runtime, 'greet', { language: 'fr' })).toBe('hello (fr)')
    expect(await run(runtime, 'lone', { kind: 'image' })).toBe('image')
    expect(await run(runtime, 'lone', { kind: 'video' })).toBe('rest')
  })

  test('random-router: weights pick in proportion (0 never); uniform picks each alike', async () => {
    const runtime = await runtimeFor(`
workflows:
  - id: weighted
    jobs:
      - { id: pick, type: random-router, mode: weighted, routings: [{ to: heavy, weight: 1 }, { to: never, weight: 0 }] }
${say('heavy', 'heavy')}${say('never', 'never')}
  - id: uniform
    jobs:
      - { id: pick, type: random-router, routings: [{ target: a }, { target: b }, { target: c }] }
${say('a', 'a')}${say('b', 'b')}${say('c', 'c')}`)
    for (let i = 0; i < 40; i++) expect(await run(runtime, 'weighted', {})).toBe('heavy')
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 }
    for (let i = 0; i < 300; i++) counts[(await run(runtime, 'uniform', {})) as string]!++
    // 100 each expected; 50..150 is more than 6 standard deviations either way.
    for (const n of Object.values(counts)) {
      expect(n).toBeGreaterThanOrEqual(50)
      expect(n).toBeLessThanOrEqual(150)
    }
  })
})

describe('delay', () => {
  test('waits a duration, then gives its output', async () => {
    const runtime = await runtimeFor(`workflow:\n  jobs:\n      - { id: wait, type: delay, duration: 300ms, output: "waited \${input.n}" }\n`)
    const started = performance.now()
    expect(await run(runtime, undefined, { n: 1 })).toBe('waited 1')
    expect(performance.now() - started).toBeGreaterThanOrEqual(290)
  })

  test('waits until a time in a time zone; a time past is no wait; a cancelled run stops waiting', async () => {
    const runtime = await runtimeFor(`workflow:\n  jobs:\n      - { id: wait, type: delay, mode: specific-time, time: "\${input.at}", timezone: Asia/Seoul, output: done }\n`)
    // Seoul is UTC+9 all year: its wall clock, written without an offset.
    const seoul = (ms: number) => new Date(ms + 9 * 3600_000).toISOString().slice(0, 23)
    let started = performance.now()
    expect(await run(runtime, undefined, { at: seoul(Date.now() + 500) })).toBe('done')
    expect(performance.now() - started).toBeGreaterThanOrEqual(400)
    started = performance.now()
    expect(await run(runtime, undefined, { at: seoul(Date.now() - 60_000) })).toBe('done')
    expect(performance.now() - started).toBeLessThan(400)
    const cancel = new AbortController()
    const waiting = run(runtime, undefined, { at: seoul(Date.now() + 60_000) }, cancel.signal)
    setTimeout(() => cancel.abort(new Error('client gone')), 100)
    await expect(waiting).rejects.toThrow('client gone')
  })
})

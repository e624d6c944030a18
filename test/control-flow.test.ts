// Control-flow jobs (model-compose's if, switch, random-router, delay, filter,
// for-each; retry, on_error, max_run_count, OR groups) through real runs on
// real components: shell commands, and http-client against the local upstream.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadCompose } from '../core/compose/load.ts'
import { createLogger } from '../core/log.ts'
import { PluginRegistry } from '../core/plugin/registry.ts'
import { Runtime } from '../core/runtime.ts'
import { isStream } from '../core/stream/stream.ts'
import { registerBuiltins } from '../plugins/index.ts'
import { composeDir, freePort, runMc, startMc } from './support/mc.ts'
import { startUpstream, type Upstream } from './support/upstream.ts'

let upstream: Upstream
beforeAll(() => {
  upstream = startUpstream()
})
afterAll(() => upstream.stop())

async function load(text: string) {
  const registry = new PluginRegistry()
  registerBuiltins(registry)
  const dir = composeDir({ 'compose.yml': text })
  const { model } = await loadCompose({ files: [], env: { U: upstream.url }, registry, cwd: dir })
  return { runtime: new Runtime(model, createLogger('test', () => {})), dir }
}
const runtimeFor = async (text: string) => (await load(text)).runtime
const run = async (runtime: Runtime, id: string | undefined, input: unknown, signal = new AbortController().signal) => runtime.run(runtime.workflow(id), input, signal)
async function loadError(text: string): Promise<string> {
  try {
    await load(text)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('expected a load error')
}
async function collect(stream: unknown): Promise<unknown[]> {
  const out: unknown[] = []
  for await (const chunk of stream as AsyncIterable<unknown>) out.push(chunk)
  return out
}
const lines = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8').trim().split('\n')
/** A job that gives `text` without running anything. */
const say = (id: string, text: string, extra = '') => `      - { id: ${id}, type: filter, output: "${text}"${extra} }\n`
const shell = (id: string, command: string, extra = '') => `  - id: ${id}\n    type: shell\n    command: ${JSON.stringify(command)}\n    output: \${stdout}\n${extra}`

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

describe('filter and for-each', () => {
  test('filter keeps the items that match where (leaf, all, any, not; item and index)', async () => {
    const runtime = await runtimeFor(`
workflows:
  - id: scores
    jobs:
      - { id: keep, type: filter, input: "\${input.people}", where: { input: "\${item.score}", operator: gte, value: 50 } }
  - id: combined
    jobs:
      - id: keep
        type: filter
        input: \${input.words}
        where:
          all:
            - { input: "\${item}", operator: starts-with, value: b }
            - not: { any: [{ input: "\${index}", value: 0 }, { input: "\${item}", operator: ends-with, value: x }] }
        output: { kept: "\${output}" }
  - id: one
    jobs:
      - { id: keep, type: filter, input: "\${input.word}", where: { input: "\${item}", operator: match, value: "[a-z]+$" } }`)
    const people = [{ name: 'a', score: 70 }, { name: 'b', score: 20 }, { name: 'c', score: '50' }]
    expect(await run(runtime, 'scores', { people })).toEqual([people[0], people[2]])
    expect(await run(runtime, 'combined', { words: ['bad', 'bee', 'box', 'cat', 'bun'] })).toEqual({ kept: ['bee', 'bun'] })
    expect(await run(runtime, 'one', { word: 'fine' })).toBe('fine')
    expect(await run(runtime, 'one', { word: 'Nope' })).toBeNull()
  })

  test('for-each runs do once per item (${item}), batch_size at a time; a single value runs once', async () => {
    // Each item waits for the marker of the other item of its pair: only a batch of two can finish.
    const pair = 'touch m$T$I; for i in $(seq 100); do [ -f m$T$P ] && break; sleep 0.02; done; [ -f m$T$P ] && printf "%s" "$W" | tr a-z A-Z || printf alone'
    const paired = await runtimeFor(`
workflow:
  jobs:
      - id: each
        type: for-each
        input: \${input.items}
        batch_size: \${input.batch as integer | 2}
        do:
          component: upper
          input: { w: "\${item.w}", i: "\${item.i}", p: "\${item.p}", t: "\${input.tag}" }
          output: "\${output}!"
components:
  - id: upper
    type: shell
    command: ${JSON.stringify(pair)}
    env: { W: "\${input.w}", I: "\${input.i}", P: "\${input.p}", T: "\${input.t}" }
    output: \${stdout}
`)
    const items = [{ w: 'ab', i: 0, p: 1 }, { w: 'cd', i: 1, p: 0 }, { w: 'ef', i: 2, p: 3 }, { w: 'gh', i: 3, p: 2 }]
    expect(await run(paired, undefined, { items, tag: 'a' })).toEqual(['AB!', 'CD!', 'EF!', 'GH!'])
    // One at a time, the first item waits for a partner that never comes.
    expect(await run(paired, undefined, { items: items.slice(0, 2), batch: 1, tag: 'b' })).toEqual(['alone!', 'CD!'])
    expect(await run(paired, undefined, { items: { w: 'one', i: 9, p: 9 }, tag: 'c' })).toBe('ONE!')
  })

  test("a stream goes through filter and for-each item by item, as it comes; streaming: true streams a list", async () => {
    const events = encodeURIComponent(JSON.stringify(['data: one\n\n', 'data: two\n\n', 'data: three\n\n']))
    const runtime = await runtimeFor(`
workflows:
  - id: stream
    jobs:
      - { id: events, component: events }
      - { id: keep, type: filter, input: "\${jobs.events.output}", where: { input: "\${item}", operator: neq, value: two } }
      - { id: each, type: for-each, input: "\${jobs.keep.output}", do: { component: shout, input: { w: "\${item}" } } }
  - id: list
    jobs:
      - { id: each, type: for-each, input: "\${input.words}", streaming: true, do: { component: shout, input: { w: "\${item}" } } }
components:
  - id: events
    type: http-client
    endpoint: \${env.U}/sse?gate=1&key=items&chunks=${events}
${shell('shout', 'printf %s "${input.w}" | tr a-z A-Z')}`)
    const output = await run(runtime, 'stream', {})
    expect(isStream(output)).toBe(true)
    const results = (output as AsyncIterable<unknown>)[Symbol.asyncIterator]()
    // The upstream holds "two" and "three" back until released: "ONE" came through on its own.
    expect(await results.next()).toEqual({ done: false, value: 'ONE' })
    upstream.release('items')
    upstream.release('items')
    expect(await collect({ [Symbol.asyncIterator]: () => results })).toEqual(['THREE'])
    const list = await run(runtime, 'list', { words: ['a', 'b'] })
    expect(isStream(list)).toBe(true)
    expect(await collect(list)).toEqual(['A', 'B'])
  })
})

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

describe('streams through routing', () => {
  const chat = (key: string, extra = '') => `
  - id: chat
    type: http-client
    endpoint: \${env.U}/v1/chat/completions?key=${key}${extra}
    body: { stream: true, messages: [{ role: user, content: "\${input.prompt}" }] }
    stream_format: json
    output: \${response[].choices[0].delta.content}`

  test('an if that picks a streaming job: its chunks come as the upstream writes them', async () => {
    const runtime = await runtimeFor(`
workflow:
  output: \${output as text;sse-text}
  jobs:
      - { id: route, type: if, input: "\${input.mode}", value: talk, if_true: talk, if_false: quiet }
      - { id: talk, component: chat, input: { prompt: "\${input.prompt}" } }
${say('quiet', 'silence')}
components:${chat('if-gate', '&gate=1')}`)
    const output = await run(runtime, undefined, { mode: 'talk', prompt: 'one two three' })
    expect(isStream(output)).toBe(true)
    const chunks = (output as AsyncIterable<unknown>)[Symbol.asyncIterator]()
    // Every write after the first waits for a release: a stream drained before it is handed on
    // would never give its first chunk.
    const first = await Promise.race([chunks.next(), Bun.sleep(5000).then(() => 'no chunk within 5 s')])
    expect(first).toEqual({ done: false, value: '' }) // the role-only delta
    for (let i = 0; i < 20; i++) upstream.release('if-gate')
    const texts = await collect({ [Symbol.asyncIterator]: () => chunks })
    expect(texts.join('')).toBe('You said: one two three')
    expect(texts.length).toBeGreaterThan(3)
    expect(await run(runtime, undefined, { mode: 'no', prompt: 'x' })).toBe('silence')
  })

  test('a branch that fails fails the run with its error; a cancelled run stops the upstream', async () => {
    const runtime = await runtimeFor(`
workflows:
  - id: failing
    jobs:
      - { id: route, type: switch, input: "\${input.to}", cases: [{ value: chat, then: talk }] }
      - { id: talk, component: chat }
  - id: slow
    output: \${output as text;sse-text}
    jobs:
      - { id: route, type: switch, input: "\${input.to}", cases: [{ value: chat, then: talk }] }
      - { id: talk, component: slow }
components:${chat('failing', '&fail=9&status=500')}
    max_retries: 0
${chat('slow', '&delay_ms=200').replace('id: chat', 'id: slow')}`)
    await expect(run(runtime, 'failing', { to: 'chat', prompt: 'hi' })).rejects.toThrow('try again later')
    const cancel = new AbortController()
    const output = await run(runtime, 'slow', { to: 'chat', prompt: 'a b c d e f g h' }, cancel.signal)
    const chunks = (output as AsyncIterable<unknown>)[Symbol.asyncIterator]()
    await chunks.next()
    cancel.abort(new Error('client gone'))
    await chunks.return?.()
    const deadline = Date.now() + 3000
    while (upstream.stats('slow').cancelledAt === undefined && Date.now() < deadline) await Bun.sleep(10)
    expect(upstream.stats('slow').cancelledAt).toBeDefined()
    expect(upstream.stats('slow').eventsSent).toBeLessThan(6)
  })
})

describe('input schema and load errors', () => {
  test('the inputs control-flow jobs read are in the schema; what only a branch reads is not required', async () => {
    const runtime = await runtimeFor(`
workflow:
  jobs:
      - { id: gate, type: if, input: "\${input.score as integer}", operator: gte, value: 50, if_true: sort, if_false: nope }
      - { id: sort, type: switch, input: "\${input.lang}", value: ko, then: each, otherwise: nope }
      - { id: each, type: for-each, input: "\${input.words as list}", do: { component: echo, input: { w: "\${item}" } } }
      - { id: keep, type: filter, input: "\${input.tags as list}", depends_on: [each] }
${say('nope', 'no ${input.reason}')}
components:
${shell('echo', 'printf %s "${input.w}"')}`)
    const fields = Object.fromEntries(runtime.workflow().inputSchema.map((f) => [f.name, [f.type, f.required]]))
    expect(fields).toEqual({ score: ['integer', true], lang: ['string', false], words: ['list', false], tags: ['list', false], reason: ['string', false] })
    await expect(run(runtime, undefined, {})).rejects.toThrow('input.score: is required')
    await expect(run(runtime, undefined, { score: 'many' })).rejects.toThrow('input.score: expected a number')
    expect(await run(runtime, undefined, { score: 90, lang: 'ko', words: ['a', 'b'], tags: ['t'] })).toEqual(['t'])
  })

  test('one line at file:line:col for each mistake', async () => {
    const job = (text: string) => `component:\n  type: shell\n  command: "true"\nworkflow:\n  jobs:\n    - id: a\n${text}    - { id: b, type: filter, output: b }\n`
    expect(await loadError(job('      type: loop\n'))).toBe(
      'compose.yml:7:13: workflows[0].jobs[0].type: "loop" is not a job type (job types: component, action, if, switch, random-router, delay, filter, for-each)',
    )
    expect(await loadError(job('      type: if\n      operator: eq\n      if_true: ghost\n'))).toBe(
      'compose.yml:9:16: workflows[0].jobs[0].conditions[0].if_true: unknown job "ghost" (jobs: a, b)',
    )
    expect(await loadError(job('      on_error: { to: ghost }\n'))).toBe('compose.yml:7:23: workflows[0].jobs[0].on_error.to: unknown job "ghost" (jobs: a, b)')
    expect(await loadError(job('      depends_on: [b, [b, ghost]]\n'))).toBe('compose.yml:7:27: workflows[0].jobs[0].depends_on[1][1]: unknown job "ghost" (jobs: a, b)')
    expect(await loadError(job('      depends_on: [b, []]\n'))).toBe('compose.yml:7:23: workflows[0].jobs[0].depends_on[1]: an OR group needs at least one job id')
    expect(await loadError(job('      depends_on: [[b]]\n').replace('output: b }', 'output: b, depends_on: [a] }'))).toMatch(
      /^compose\.yml:\d+:\d+: workflows\[0\]\.jobs\[\d\]\.depends_on: dependency cycle: (a → b → a|b → a → b)$/,
    )
    expect(await loadError(job('      hook:\n        before: { script: "def hook(input, **kw): return input" }\n'))).toBe(
      'compose.yml:7:7: workflows[0].jobs[0].hook: "hook" is a model-compose job key that mc cannot honour: it runs inline Python before or after the job, and mc runs no Python',
    )
    expect(await loadError(job('      interrupt: { before: true }\n'))).toMatch(/^compose\.yml:7:7: workflows\[0\]\.jobs\[0\]\.interrupt: "interrupt" is a model-compose job key that mc cannot honour: /)
    expect(await loadError(job('      type: if\n      operator: match\n      value: "(unclosed"\n      if_true: b\n'))).toMatch(
      /^compose\.yml:9:14: workflows\[0\]\.jobs\[0\]\.conditions\[0\]\.value: bad regular expression "\(unclosed": /,
    )
    expect(await loadError(job('      type: delay\n      duration: soon\n'))).toMatch(/^compose\.yml:8:17: workflows\[0\]\.jobs\[0\]\.duration: expected a duration/)
    expect(await loadError(job('      retry: { max_attempt_count: 0 }\n'))).toBe(
      'compose.yml:7:14: workflows[0].jobs[0].retry: expected an attempt count, or {max_attempt_count, delay, backoff, max_delay}, got {"max_attempt_count":0}',
    )
  })
})

describe('a real mc process', () => {
  test('mc up: a switch that picks a streaming job streams it to the client, chunk by chunk; a client gone stops it', async () => {
    const port = freePort()
    const events = encodeURIComponent(JSON.stringify(['data: one\n\n', 'data: two\n\n', 'data: three\n\n']))
    const mc = await startMc(composeDir({ 'compose.yml': `
controller: { port: ${port} }
workflows:
  - id: route
    default: true
    output: \${output as text;sse-text}
    jobs:
      - { id: pick, type: switch, input: "\${input.to}", cases: [{ value: events, then: events }, { value: slow, then: slow }], otherwise: quiet }
      - { id: events, component: events }
      - { id: slow, component: slow }
      - { id: quiet, type: filter, output: quiet }
components:
  - { id: events, type: http-client, endpoint: "${upstream.url}/sse?gate=1&key=up-gate&chunks=${events}" }
  - { id: slow, type: http-client, endpoint: "${upstream.url}/text?delay_ms=200&tokens=50&key=up-slow", stream_format: text, output: "\${response[]}" }
` }), [], port)
    try {
      const ask = (to: string, signal?: AbortSignal) =>
        fetch(`${mc.url}/api/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input: { to }, output_only: true }), ...(signal ? { signal } : {}) })
      const response = await ask('events')
      expect(response.headers.get('content-type')).toStartWith('text/event-stream')
      const reader = response.body!.getReader()
      const decoder = new TextDecoder()
      let text = ''
      const readUntil = async (want: string) => {
        const deadline = Date.now() + 5000
        while (!text.includes(want)) {
          const piece = await Promise.race([reader.read(), Bun.sleep(Math.max(0, deadline - Date.now())).then(() => undefined)])
          if (piece === undefined) throw new Error(`"${want}" did not come within 5 s; got ${JSON.stringify(text)}`)
          if (piece.done) break
          text += decoder.decode(piece.value, { stream: true })
        }
      }
      // "two" and "three" are held back by the upstream until released: "one" reached the client alone.
      await readUntil('data: one')
      expect(text).not.toContain('two')
      upstream.release('up-gate')
      upstream.release('up-gate')
      await readUntil('data: three')
      expect(text).toContain('data: two')

      const gone = new AbortController()
      const slow = await ask('slow', gone.signal)
      await slow.body!.getReader().read()
      gone.abort()
      const deadline = Date.now() + 3000
      while (upstream.stats('up-slow').cancelledAt === undefined && Date.now() < deadline) await Bun.sleep(10)
      expect(upstream.stats('up-slow').cancelledAt).toBeDefined()
      expect(upstream.stats('up-slow').eventsSent).toBeLessThan(25)
    } finally {
      await mc.stop()
    }
  })

  test('mc run: a routing loop to its end; mc validate: a hook is one line and exit 1', async () => {
    const dir = composeDir({
      'compose.yml': `
workflow:
  jobs:
      - { id: start, type: switch, otherwise: work }
      - { id: work, component: count }
      - { id: check, type: if, input: "\${jobs.work.output as integer}", operator: lt, value: "\${input.times}", if_true: work, if_false: finish }
${say('finish', 'done after ${jobs.work.output}')}
components:
${shell('count', 'echo x >> count.txt; wc -l < count.txt | tr -d " "')}`,
      'hook.yml': 'component:\n  type: shell\n  command: "true"\nworkflow:\n  jobs:\n    - id: a\n      hook: { after: { script: x } }\n',
    })
    const result = await runMc(['run', '-i', '{"times": 4}'], { cwd: dir })
    expect(result).toMatchObject({ code: 0, stdout: 'done after 4\n' })
    expect(lines(dir, 'count.txt')).toHaveLength(4)
    const invalid = await runMc(['validate', '-f', 'hook.yml'], { cwd: dir })
    expect(invalid.code).toBe(1)
    expect(invalid.stderr.trim().split('\n')).toEqual([
      'mc | error: hook.yml:7:7: workflows[0].jobs[0].hook: "hook" is a model-compose job key that mc cannot honour: it runs inline Python before or after the job, and mc runs no Python',
    ])
  })
})

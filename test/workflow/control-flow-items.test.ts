// Control-flow jobs over items (model-compose's filter and for-each) through
// real runs on real components: shell commands, and http-client against the
// local upstream. The helpers are in control-flow-harness.ts.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { isStream } from '../../core/stream/stream.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'
import { collect, loaders, run, shell } from './control-flow-harness.ts'

let upstream: Upstream
beforeAll(() => {
  upstream = startUpstream()
})
afterAll(() => upstream.stop())

const { runtimeFor } = loaders(() => ({ U: upstream.url }))

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
    await expect(run(runtime, 'one', { word: 'Nope' })).rejects.toThrow('filter: its input is a single value, not a list, and it does not match "where"')
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

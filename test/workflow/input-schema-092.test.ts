// The workflow input as model-compose 0.4.92 reads it (issue 20, points 6 and
// 13): each case is one of its tests (tests/unit/core/foundation/variable/
// test_renderers.py, with its source as `input`), a workflow whose output is
// the binding, run with the request's input through the schema check.
import { describe, expect, test } from 'bun:test'
import { loaders, run } from './control-flow-harness.ts'

const { runtimeFor } = loaders()

const file = (output: unknown) => `
workflow:
  output: ${JSON.stringify(output)}
  jobs: [{ id: host, type: delay, duration: 0 }]
`
const runOf = async (output: unknown, input: unknown) => run(await runtimeFor(file(output)), undefined, input)

/** [0.4.92 test, binding, request input, output] */
type Case = [string, string, unknown, unknown]

describe('a path into an input types its own key, not the input it goes through (point 6)', () => {
  const cases: Case[] = [
    ['TestPathExpressions.test_path_with_typed_conversion', '${input.data.count as integer}', { data: { count: '42' } }, 42],
    ['TestPathExpressions.test_nested_path_with_index', '${input.data.items[1].k as integer}', { data: { items: [{ k: 1 }, { k: 2 }] } }, 2],
    ['TestPathExpressions.test_dot_path', '${input.data.user.name}', { data: { user: { name: 'Alice' } } }, 'Alice'],
    ['FieldResolver: a key inside a value that is not a mapping is None', '${input.data.count as integer}', { data: 'text' }, null],
    ['FieldResolver: a key inside a list is None', '${input.data.count as integer}', { data: [1, 2] }, null],
  ]
  for (const [name, binding, input, expected] of cases) {
    test(`${name}: ${binding} of ${JSON.stringify(input)}`, async () => expect(await runOf(binding, input)).toEqual(expected))
  }

  test('the same input read whole and through a path: each read is checked for its own type', async () => {
    const both = { count: '${input.data.count as integer}', data: '${input.data as json}' }
    expect(await runOf(both, { data: { count: '3' } })).toEqual({ count: 3, data: { count: '3' } })
    await expect(runOf(both, { data: { count: 'x' } })).rejects.toThrow(/^input\.data\.count: expected an? (number|integer)/)
  })
})

describe('a missing input is null (point 13)', () => {
  const cases: Case[] = [
    ['TestDefaultFallback.test_default_used_when_missing', '${input.v | hello}', {}, 'hello'],
    ['TestDefaultFallback.test_default_with_typed_conversion', '${input.v as integer | 99}', { v: null }, 99],
    ['TestTypeConversion.test_none_value_not_converted', '${input.v as integer}', { v: null }, null],
    ['a missing input, typed', '${input.v as integer}', {}, null],
    ['a missing input inside text is empty (test_none_value_yields_empty)', 'v=${input.v}.', {}, 'v=.'],
    ['no input at all', '${input.v as boolean}', undefined, null],
  ]
  for (const [name, binding, input, expected] of cases) {
    test(`${name}: ${binding} of ${JSON.stringify(input)}`, async () => expect(await runOf(binding, input)).toEqual(expected))
  }

  test('`@(required true)` (mc; model-compose keeps it as an annotation) makes a read required, unless it has a default', async () => {
    await expect(runOf('${input.v @(required true)}', {})).rejects.toThrow('input.v: is required')
    await expect(runOf('${input.data.count as integer @(required true)}', { data: {} })).rejects.toThrow('input.data.count: is required')
    await expect(runOf('${input.data.count as integer @(required true)}', {})).rejects.toThrow('input.data: is required')
    expect(await runOf('${input.v @(required true)}', { v: 'here' })).toBe('here')
    expect(await runOf('${input.v | 1 @(required true)}', {})).toBe(1)
    expect(await runOf('${input.v @(required false)}', {})).toBe(null)
  })
})

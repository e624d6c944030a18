// model-compose 0.4.92's filter over one value (tests/e2e/workflow/test_filter.py,
// TestFilterScalarInput), through `mc run`: kept when it matches `where`,
// passed through without `where`, and an error when it does not match (0.4.92
// raises IndexError), which `on_error` turns into a fallback.
import { describe, expect, test } from 'bun:test'
import { composeDir, runMc } from '../support/mc.ts'

const H = 'controller: {adapter: {type: http-server, port: 8080}}\n'
const filter = (job: string) => `${H}workflow: {id: wf, jobs: [{id: keep, type: filter, ${job}}]}\n`

async function run(yaml: string) {
  return runMc(['run'], { cwd: composeDir({ 'compose.yml': yaml }) })
}

describe("0.4.92's filter over a single value", () => {
  test('a value that matches is the output', async () => {
    const result = await run(filter('input: hello, where: {input: "${item}", operator: eq, value: hello}'))
    expect(result.stdout).toBe('hello\n')
  })

  test('without where the value passes through', async () => {
    const result = await run(filter('input: 42'))
    expect(JSON.parse(result.stdout)).toBe(42)
  })

  test('a value that does not match fails the run', async () => {
    const result = await run(filter('input: hello, where: {input: "${item}", operator: eq, value: nope}'))
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe('mc | error: filter: its input is a single value, not a list, and it does not match "where" (give a list to get [] when nothing matches) (job keep)\n')
  })

  test('on_error gives the fallback; a list that matches nothing is []', async () => {
    const fallback = await run(filter('input: hello, where: {input: "${item}", value: nope}, on_error: {output: {kept: none}}'))
    expect(JSON.parse(fallback.stdout)).toEqual({ kept: 'none' })
    const list = await run(filter('input: [hello], where: {input: "${item}", value: nope}'))
    expect(JSON.parse(list.stdout)).toEqual([])
  })
})

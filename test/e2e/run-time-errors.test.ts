// Run-time errors as a user meets them: `mc run`'s stderr, and the body of
// `POST /api/workflows/runs` from a running `mc up` (issue 24, point 3).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { composeDir, freePort, runMc, startComposed, type McProcess } from '../support/mc.ts'

const TWO = `
components:
  - { id: say, type: shell, command: [echo, "\${input.prompt}"], output: "\${stdout}" }
workflows:
  - id: generator
    job: { component: say, input: { prompt: "\${input.promt @(required true)}" } }
  - { id: summary, job: { component: say } }
`

describe('mc run', () => {
  test('no workflow named among several: the command line names it positionally, not by the API field', async () => {
    const result = await runMc(['run'], { cwd: composeDir({ 'compose.yml': TWO }) })
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('mc | error: a workflow name (mc run [FILE.yml] WORKFLOW) is needed: there are several workflows and none is marked default (workflows: generator, summary)\n')
  })

  test('an unknown workflow suggests the one meant', async () => {
    const result = await runMc(['run', 'generate'], { cwd: composeDir({ 'compose.yml': TWO }) })
    expect(result.stderr).toBe('mc | error: unknown workflow "generate" (did you mean "generator"?; workflows: generator, summary)\n')
  })

  test('a misspelt required input: its place, did-you-mean and the job and component', async () => {
    const result = await runMc(['run', 'generator', '-i', '{"prompt": "hi"}'], { cwd: composeDir({ 'compose.yml': TWO }) })
    // A lone `job:` has no id of the file's: only its component is named.
    expect(result.stderr).toBe('mc | error: input.promt: is required (did you mean input.prompt?) at compose.yml:6:45 (component say)\n')
  })

  test('nothing listening upstream: the origin and the key it came from', async () => {
    const port = freePort()
    const text = `component:\n  type: http-client\n  base_url: http://127.0.0.1:${port}\n  path: /v1/chat\n  output: \${response}\n`
    const result = await runMc(['run'], { cwd: composeDir({ 'compose.yml': text }) })
    expect(result.stderr).toBe(`mc | error: upstream GET http://127.0.0.1:${port}/v1/chat: request failed: ECONNREFUSED — nothing answers at http://127.0.0.1:${port} (base_url at compose.yml:3:13): is it running?\n`)
  })
})

describe('the HTTP API', () => {
  let mc: McProcess
  beforeAll(async () => {
    mc = await startComposed((port) => `controller: { port: ${port} }\n${TWO}`)
  })
  afterAll(() => mc.stop())

  const post = (body: unknown) => fetch(`${mc.api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

  test('an unknown workflow is a 404 listing the ids, with did-you-mean', async () => {
    const response = await post({ workflow_id: 'generate', input: {} })
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({ detail: 'unknown workflow "generate" (did you mean "generator"?; workflows: generator, summary)' })
  })

  test('a misspelt required input is a 422 naming the binding in the file', async () => {
    const response = await post({ workflow_id: 'generator', input: { prompt: 'hi' }, output_only: true })
    expect(response.status).toBe(422)
    expect(((await response.json()) as { detail: string }).detail).toBe('input.promt: is required (did you mean input.prompt?) at compose.yml:7:45 (component say)')
  })
})

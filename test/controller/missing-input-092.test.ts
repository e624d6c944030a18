// A missing input is null, as in model-compose 0.4.92 (issue 20, point 13): the
// 0.4.92 guide's §13.6.2 file (a `switch` on `${input.model}` with `otherwise`)
// under `mc up`, called by the guide's own §13.4.3 `requests` client, which
// sends no `model` — both as written, only the URLs and the port changed.
// A value of the wrong type is still a 422 naming the field, and a read marked
// `@(required true)` still makes its field required.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { composeDir, freePort, startMc, type McProcess } from '../support/mc.ts'
import { requirementMet } from '../support/requirements.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

const GUIDE = join(import.meta.dir, '../fixtures/model-compose-guide')

let openai: Upstream
let claude: Upstream
let mc: McProcess
let port: number

beforeAll(async () => {
  // Two stand-ins that answer differently, to tell which branch the switch took.
  openai = startUpstream({ reply: 'openai answered' })
  claude = startUpstream({ reply: 'claude answered' })
  port = freePort()
  const file = readFileSync(join(GUIDE, 'multi-model-chat.yml'), 'utf8')
    .replace('https://api.openai.com/v1', `${openai.url}/v1`)
    .replace('https://api.anthropic.com/v1', `${claude.url}/v1`)
  const controller = `controller:\n  adapter:\n    type: http-server\n    port: ${port}\n    base_path: /api\n`
  mc = await startMc(composeDir({ 'model-compose.yml': controller + file }), [], port, { OPENAI_API_KEY: 'sk-test', ANTHROPIC_API_KEY: 'sk-ant-test' })
})
afterAll(async () => {
  await mc?.stop()
  openai?.stop()
  claude?.stop()
})

async function runs(input: unknown) {
  const response = await fetch(`${mc.url}/api/workflows/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ input, output_only: true, wait_for_completion: true }),
  })
  const text = await response.text()
  const data = text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6))
  return { status: response.status, text, data: data.join('') }
}

/** A python3 with `requests`: the PATH one, or Debian's. */
function python(): string | undefined {
  for (const candidate of ['python3', '/usr/bin/python3']) if (Bun.spawnSync([candidate, '-c', 'import requests']).exitCode === 0) return candidate
  return undefined
}

describe('0.4.92 guide §13.6.2 (switch with otherwise) and its §13.4.3 client', () => {
  const interpreter = python()
  if (requirementMet('python', interpreter !== undefined, 'python3 with the requests module', 'apt-get install python3-requests')) {
    test('the requests snippet, which sends no model, gets the otherwise branch streamed', async () => {
      const dir = composeDir({})
      const client = join(dir, 'client.py')
      writeFileSync(client, readFileSync(join(GUIDE, 'stream-client-requests.py'), 'utf8').replace('http://localhost:8080', mc.url))
      const proc = Bun.spawn([interpreter!, '-u', client], { stdout: 'pipe', stderr: 'pipe' })
      const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
      expect({ code, stderr, stdout }).toEqual({ code: 0, stderr: '', stdout: 'openai answered' })
    })
  }

  test.each([
    ['no model: otherwise', { prompt: 'Hello' }, 'openai answered'],
    ['model null: otherwise', { prompt: 'Hello', model: null }, 'openai answered'],
    ['model claude: its case', { prompt: 'Hello', model: 'claude' }, 'claude answered'],
    ['model openai: its case', { prompt: 'Hello', model: 'openai' }, 'openai answered'],
  ])('%s', async (_, input, expected) => {
    const answer = await runs(input)
    expect(answer.status).toBe(200)
    expect(answer.data).toBe(expected)
  })

  test('no input at all: otherwise', async () => {
    const answer = await runs(undefined)
    expect(answer.status).toBe(200)
    expect(answer.data).toBe('openai answered')
  })
})

describe('what is still refused (422 naming the field)', () => {
  let strict: McProcess
  const strictPort = freePort()
  beforeAll(async () => {
    const file = `
controller: { adapter: { type: http-server, port: ${strictPort}, base_path: /api } }
workflow:
  output:
    n: \${input.n as integer}
    count: \${input.data.count as integer}
    name: \${input.name @(required true)}
    tone: \${input.tone | plain @(required true)}
  jobs: [{ id: host, type: delay, duration: 0 }]
`
    strict = await startMc(composeDir({ 'model-compose.yml': file }), [], strictPort)
  })
  afterAll(async () => {
    await strict?.stop()
  })
  const post = async (input: unknown) => {
    const response = await fetch(`${strict.url}/api/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input }) })
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }

  test.each([
    ['a value of the wrong type', { name: 'x', n: 'many' }, /^input\.n: expected an? (number|integer), got "many"$/],
    ['a nested value of the wrong type', { name: 'x', data: { count: 'some' } }, /^input\.data\.count: expected an? (number|integer), got "some"$/],
    ['a read marked @(required true), missing', { n: 1 }, /^input\.name: is required at model-compose\.yml:7:11$/],
    ['a read marked @(required true), null', { name: null }, /^input\.name: is required at model-compose\.yml:7:11$/],
  ])('%s', async (_, input, detail) => {
    expect(await post(input)).toMatchObject({ status: 422, body: { detail: expect.stringMatching(detail) } })
  })

  test('everything else missing is null; a default (even beside @(required true)) fills in', async () => {
    const answer = await post({ name: 'x' })
    expect(answer.status).toBe(200)
    expect(answer.body.output).toEqual({ n: null, count: null, name: 'x', tone: 'plain' })
  })

  test('the schema: only the marked field is required; a nested read types its own key, not the field it goes through', async () => {
    const response = await fetch(`${strict.url}/api/workflows/__default__/schema`)
    const schema = (await response.json()) as { input: unknown }
    expect(schema.input).toEqual([
      { name: 'n', type: 'integer', required: false },
      { name: 'data', type: 'any', required: false, fields: [{ name: 'count', type: 'integer', required: false }] },
      { name: 'name', type: 'string', required: true },
      { name: 'tone', type: 'string', default: 'plain', required: false },
    ])
  })
})

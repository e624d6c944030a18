// Hostile and odd request bodies against a real `mc up` (issue 7, finding 1):
// every body is read in time and memory linear in its size, the size cap holds
// while reading, deep nesting and too many values are 400s naming the limit,
// every error has a JSON `detail`, and /api/health keeps answering meanwhile.
// Also the body forms model-compose accepts, and the ones that must not run.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { composeDir, freePort, startMc, type McProcess } from '../support/mc.ts'
import { watch } from '../support/process-memory.ts'

const MiB = 1024 * 1024
let mc: McProcess
let runs: string

beforeAll(async () => {
  const port = freePort()
  const dir = composeDir({
    'compose.yml': `
controller:
  port: ${port}
  origins: https://app.example.com
workflow:
  output:
    said: \${output}
    tags: \${input.tags | none}
    size: \${input.size | 0}
  jobs:
    - component: echo
component:
  id: echo
  type: shell
  command: [echo, "\${input.prompt}"]
  output: \${stdout}
`,
  })
  mc = await startMc(dir, [], port)
  runs = `${mc.url}/api/workflows/runs`
})
afterAll(async () => {
  await mc.stop()
})

const post = (body: string | Uint8Array | ReadableStream<Uint8Array> | URLSearchParams, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(runs, { method: 'POST', headers, body }).then(async (response) => ({ status: response.status, body: (await response.json().catch(() => null)) as { detail?: string } | null }))

/** Sends a hostile body while /api/health is polled; health must answer within 250 ms and mc stay under 400 MB. */
async function hostile(body: string | Uint8Array | ReadableStream<Uint8Array> | URLSearchParams, headers?: Record<string, string>) {
  const health = watch(`${mc.url}/api/health`, mc.proc.pid, 20)
  await Bun.sleep(60)
  const answer = await post(body, headers)
  await Bun.sleep(60)
  const watched = await health.stop()
  expect(watched.failures).toBe(0)
  expect(watched.slowestMs).toBeLessThan(250)
  expect(watched.maxRssMb).toBeLessThan(400)
  return answer
}

describe('hostile bodies', () => {
  test('2 MB and 8 MB of "[" are refused at the nesting limit, fast, with a JSON detail', async () => {
    for (const size of [2 * MiB, 8 * MiB]) {
      const started = performance.now()
      const answer = await hostile('['.repeat(size))
      expect(answer.status).toBe(400)
      expect(answer.body?.detail).toBe('request body nests deeper than 64 levels (the limit)')
      expect(performance.now() - started).toBeLessThan(3000)
    }
  })

  test('100,000 levels of nesting inside input: 400 naming the limit, not a 500', async () => {
    const deep = `{"input": {"a": ${'['.repeat(100_000)}${']'.repeat(100_000)}}}`
    const answer = await hostile(deep)
    expect(answer).toEqual({ status: 400, body: { detail: 'request body nests deeper than 64 levels (the limit)' } })
  })

  test('a body that starts with "{" and is not JSON is a 400 with the JSON error, read linearly', async () => {
    const answer = await hostile(`{${'a: ['.repeat(2 * MiB)}`)
    expect(answer.status).toBe(400)
    expect(answer.body?.detail).toStartWith('request body nests deeper than 64 levels')
    const flat = await hostile(`{${'x'.repeat(8 * MiB)}`)
    expect(flat.status).toBe(400)
    expect(flat.body?.detail).toStartWith('request body is not valid JSON:')
  })

  test('millions of values: 400 naming the limit', async () => {
    const answer = await hostile(`{"input": {"tags": [${'1,'.repeat(6 * MiB)}1]}}`)
    expect(answer).toEqual({ status: 400, body: { detail: 'request body has more than 1000000 values (the limit)' } })
  })

  test('over 16 MiB: 413 with a JSON detail, declared or streamed', async () => {
    const declared = await hostile(new Uint8Array(20 * MiB).fill(0x20))
    expect(declared.status).toBe(413)
    expect(declared.body?.detail).toBe(`request body is larger than ${16 * MiB} bytes (the limit; MC_MAX_BODY_BYTES sets it)`)
    // Chunked, so no Content-Length tells the size in advance: the cap holds while reading.
    const piece = new Uint8Array(MiB).fill(0x20)
    let sent = 0
    const streamed = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 20) controller.enqueue(piece)
        else controller.close()
      },
    })
    const chunked = await hostile(streamed)
    expect(chunked.status).toBe(413)
    expect(chunked.body?.detail).toStartWith('request body is larger than')
  })
})

describe('what a run request may be', () => {
  test("the guide's body with # comments runs (a linear reader, not a YAML parse)", async () => {
    const body = `{
    "input": {"prompt": "Write a story # not a comment"},
    "output_only": true,              # 必需：仅返回输出
    "wait_for_completion": true       # 必需：等待完成
  }`
    expect(await post(body)).toEqual({ status: 200, body: { said: 'Write a story # not a comment', tags: null, size: 0 } as never })
  })

  test('a urlencoded or multipart form with nested keys runs, as in model-compose', async () => {
    const form = new URLSearchParams([
      ['input[prompt]', 'from a form'],
      ['input[tags][]', 'a'],
      ['input[tags][]', 'b'],
      ['output_only', 'true'],
    ])
    expect(await post(form.toString(), { 'content-type': 'application/x-www-form-urlencoded' })).toEqual({
      status: 200,
      body: { said: 'from a form', tags: ['a', 'b'], size: 0 } as never,
    })
    const multipart = new FormData()
    multipart.set('input[prompt]', 'multi')
    multipart.set('output_only', 'true')
    const answer = await fetch(runs, { method: 'POST', body: multipart })
    expect(await answer.json()).toEqual({ said: 'multi', tags: null, size: 0 })
  })

  test('text/plain, a missing Content-Type and a cross-site form do not run a workflow', async () => {
    const json = JSON.stringify({ input: { prompt: 'x' } })
    const plain = await post(json, { 'content-type': 'text/plain' })
    expect(plain.status).toBe(415)
    expect(plain.body?.detail).toStartWith('Content-Type text/plain is not accepted: send the run request as application/json')
    const bare = await fetch(runs, { method: 'POST', body: new Blob([json]) })
    expect(bare.status).toBe(415)
    const form = 'input[prompt]=x'
    const foreign = await post(form, { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' })
    expect(foreign).toEqual({ status: 403, body: { detail: 'a form posted from https://evil.example does not run workflows: list that origin in controller.origins, or send JSON' } })
    // A listed origin may post a form.
    const listed = await post(`${form}&output_only=true`, { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://app.example.com' })
    expect(listed.status).toBe(200)
  })

  test('a form key that would reach Object.prototype is refused', async () => {
    const answer = await post('input[__proto__][polluted]=yes', { 'content-type': 'application/x-www-form-urlencoded' })
    expect(answer).toEqual({ status: 400, body: { detail: 'input[__proto__][polluted]: "__proto__" is not allowed as a field name' } })
  })
})

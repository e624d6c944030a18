// Small things an operator hits (issue 7, findings 11 and 12): a reader that
// goes away, big inputs, odd flags, several workflows without a default, bytes
// that must stay bytes, and a run in which no job ran.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { composeDir, freePort, MC, runMc, startMc, type McProcess } from '../support/mc.ts'

/** Answers raw bytes: `application/octet-stream`, the bytes 0..255 then UTF-8 text. */
const BYTES = new Uint8Array([...Array.from({ length: 256 }, (_, i) => i), ...new TextEncoder().encode('한국어 🎉')])
let binary: ReturnType<typeof Bun.serve>
let dir: string

beforeAll(() => {
  binary = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch: (request) =>
      new URL(request.url).pathname === '/text'
        ? new Response(new TextEncoder().encode('한국어 🎉'), { headers: { 'content-type': 'application/octet-stream' } })
        : new Response(BYTES, { headers: { 'content-type': 'application/octet-stream' } }),
  })
  const u = `http://127.0.0.1:${binary.port}`
  dir = composeDir({
    'compose.yml': `
workflows:
  - id: echo
    output: \${output}
    jobs:
      - component: echo
  - id: given
    output: \${input.text}
    jobs:
      - component: nothing
  - id: long
    output: \${output as text;sse-text}
    jobs:
      - component: long
  - id: bytes
    jobs:
      - component: bytes
  - id: bytes-as-text
    output: \${output as text;sse-text}
    jobs:
      - component: utf8-bytes
  - id: pick
    output: \${output as text;sse-text}
    jobs:
      - id: first
        component: echo
        input: { text: one }
        condition: \${input.model == 'first'}
      - id: second
        component: echo
        input: { text: two }
        condition: \${input.model == 'second'}
components:
  - id: nothing
    type: shell
    command: ["true"]
  - id: echo
    type: shell
    command: [echo, "\${input.text}"]
    output: \${stdout}
  - id: long
    type: shell
    command: [sh, -c, "yes streamed | head -n 200000"]
    output: \${stdout}
  - id: bytes
    type: http-client
    endpoint: ${u}/bytes
  - id: utf8-bytes
    type: http-client
    endpoint: ${u}/text
`,
  })
})
afterAll(() => {
  binary.stop(true)
})

describe('mc run', () => {
  test('a reader that goes away (| head -c 10) ends the run quietly', async () => {
    const proc = Bun.spawn(['sh', '-c', `"$0" "$@" run long | head -c 10`, ...MC], { cwd: dir, stdout: 'pipe', stderr: 'pipe' })
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
    expect(stdout).toBe('streamed\ns')
    expect(stderr).toBe('')
    expect(code).toBe(0)
  })

  test('-i @FILE and -i - take inputs too big for a command line', async () => {
    const text = 'x'.repeat(1_000_000)
    writeFileSync(join(dir, 'input.json'), JSON.stringify({ text }))
    const fromFile = await runMc(['run', 'given', '-i', '@input.json'], { cwd: dir })
    expect(fromFile.stderr).toBe('')
    expect(fromFile.stdout).toBe(`${text}\n`)
    const proc = Bun.spawn([...MC, 'run', 'echo', '-i', '-'], { cwd: dir, stdin: Buffer.from(JSON.stringify({ text: 'from stdin' })), stdout: 'pipe', stderr: 'pipe' })
    expect(await new Response(proc.stdout).text()).toBe('from stdin\n')
    expect(await proc.exited).toBe(0)
    const missing = await runMc(['run', 'echo', '-i', '@nope.json'], { cwd: dir })
    expect(missing).toMatchObject({ code: 1, stderr: 'mc | error: -i @nope.json: cannot read nope.json\n' })
  })

  test('an unknown flag or a flag without its value is one line of ours', async () => {
    expect(await runMc(['run', '--frobnicate'], { cwd: dir })).toMatchObject({ code: 1, stderr: 'mc | error: unknown option --frobnicate ("mc --help" lists the options)\n' })
    expect(await runMc(['run', 'echo', '-i'], { cwd: dir })).toMatchObject({ code: 1, stderr: 'mc | error: option -i needs a value ("mc --help" lists the options)\n' })
  })

  test('bytes are written as they are', async () => {
    const proc = Bun.spawn([...MC, 'run', 'bytes'], { cwd: dir, stdout: 'pipe', stderr: 'pipe' })
    const out = new Uint8Array(await new Response(proc.stdout).arrayBuffer())
    expect(await proc.exited).toBe(0)
    expect(out).toEqual(BYTES)
  })

  test('a run in which every job was skipped says so', async () => {
    const result = await runMc(['run', 'pick', '-i', '{"model": "third"}'], { cwd: dir })
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('mc | error: no job ran: every job was skipped by its condition (first, second), given input.model = "third"\n')
  })
})

describe('the HTTP API', () => {
  let mc: McProcess
  let api: string
  beforeAll(async () => {
    const port = freePort()
    writeFileSync(join(dir, 'port.yml'), `controller:\n  port: ${port}\n`)
    mc = await startMc(dir, ['-f', 'compose.yml', '-f', 'port.yml'], port)
    api = `${mc.url}/api`
  })
  afterAll(async () => {
    await mc.stop()
  })
  const run = (body: unknown) => fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

  test('several workflows and none marked default: a 400 that says to name one', async () => {
    const answer = await run({ input: {} })
    expect(answer.status).toBe(400)
    expect(await answer.json()).toEqual({
      detail: 'workflow_id is needed: there are several workflows and none is marked default (workflows: echo, given, long, bytes, bytes-as-text, pick)',
    })
  })

  test('bytes in a JSON answer are base64; under sse-text they are UTF-8 text', async () => {
    const whole = (await (await run({ workflow_id: 'bytes' })).json()) as { status: string; output: string }
    expect(whole.status).toBe('completed')
    expect(new Uint8Array(Buffer.from(whole.output, 'base64'))).toEqual(BYTES)
    const sse = await run({ workflow_id: 'bytes-as-text', output_only: true })
    expect((await sse.text()).replace(/^id: .*\n/gm, '')).toBe('data: 한국어 🎉\n\n')
  })

  test('every job skipped: 422 saying that no job ran and why, not an empty stream', async () => {
    const answer = await run({ workflow_id: 'pick', input: { model: 'gemini' }, output_only: true })
    expect(answer.status).toBe(422)
    expect(await answer.json()).toEqual({ detail: 'no job ran: every job was skipped by its condition (first, second), given input.model = "gemini"' })
  })
})

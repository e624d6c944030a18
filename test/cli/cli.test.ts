// The `mc` command line as a user runs it.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { composeDir, freePort, MC, runMc } from '../support/mc.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

let upstream: Upstream
beforeAll(() => {
  upstream = startUpstream()
})
afterAll(() => upstream.stop())

const chat = (url: string) => `
workflow:
  output: \${output as text;sse-text}
component:
  type: http-client
  endpoint: ${url}/v1/chat/completions?delay_ms=150
  body: { stream: true, messages: [{ role: user, content: "\${input.prompt}" }] }
  stream_format: json
  output: \${response[].choices[0].delta.content}
`

describe('mc run', () => {
  test('prints a stream chunk by chunk as it arrives', async () => {
    const dir = composeDir({ 'compose.yml': chat(upstream.url) })
    const proc = Bun.spawn([...MC, 'run', 'compose.yml', '-i', '{"prompt": "one two three four"}'], { cwd: dir, stdout: 'pipe', stderr: 'pipe' })
    const arrivals: { at: number; text: string }[] = []
    const decoder = new TextDecoder()
    for await (const chunk of proc.stdout as ReadableStream<Uint8Array>) arrivals.push({ at: performance.now(), text: decoder.decode(chunk) })
    expect(await proc.exited).toBe(0)
    expect(arrivals.map((a) => a.text).join('')).toBe('You said: one two three four\n')
    expect(arrivals.length).toBeGreaterThanOrEqual(4) // not one write at the end
    expect(arrivals.at(-1)!.at - arrivals[0]!.at).toBeGreaterThan(450)
  })

  test('WORKFLOW -f file -i JSON -o out.json writes the output to the file', async () => {
    const dir = composeDir({
      'c.yml': `workflows:\n  - id: greet\n    output: { greeting: "\${output}" }\n    jobs:\n      - component: echo\ncomponents:\n  - id: echo\n    type: shell\n    command: [printf, "hello %s", "\${input.name}"]\n    output: \${stdout}\n`,
    })
    const result = await runMc(['run', 'greet', '-f', 'c.yml', '-i', '{"name": "mc"}', '-o', 'out.json'], { cwd: dir })
    expect(result.code).toBe(0)
    expect(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'))).toEqual({ greeting: 'hello mc' })
  })

  test('environment precedence: -e over --env-file (later wins) over the process', async () => {
    const dir = composeDir({
      'compose.yml': 'component:\n  type: shell\n  command: [printf, "%s %s %s", "${env.A}", "${env.B}", "${env.C}"]\n  output: ${stdout}\n',
      'one.env': 'A=file1\nB=file1\n# comment\nexport C="quoted value"\n',
      'two.env': 'B=file2\n',
    })
    const result = await runMc(['run', '--env-file', 'one.env', '--env-file', 'two.env', '-e', 'A=flag'], { cwd: dir, env: { A: 'process', B: 'process', C: 'process' } })
    expect(result.stdout).toBe('flag file2 quoted value\n')
  })

  test('bad input is one line and a non-zero exit', async () => {
    const dir = composeDir({ 'compose.yml': chat(upstream.url).replace('${input.prompt}', '${input.prompt @(required true)}') })
    const result = await runMc(['run', '-i', '{}'], { cwd: dir })
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('mc | error: input.prompt: is required at compose.yml:7:59\n')
  })

  test('an unreachable upstream is one line naming it, exit 1', async () => {
    const dir = composeDir({ 'compose.yml': chat(`http://127.0.0.1:${freePort()}`) })
    const result = await runMc(['run', '-i', '{"prompt": "x"}'], { cwd: dir })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^mc \| error: upstream POST http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions: request failed: ECONNREFUSED — nothing answers at http:\/\/127\.0\.0\.1:\d+ \(endpoint at compose\.yml:6:13\): is it running\?\n$/)
  })
})

describe('mc up -d / down', () => {
  test('starts in the background, serves, and stops leaving nothing running', async () => {
    const port = freePort()
    const dir = composeDir({ 'compose.yml': `controller:\n  port: ${port}\n${chat(upstream.url)}` })
    const up = await runMc(['up', '-d'], { cwd: dir })
    expect(up.code).toBe(0)
    expect(up.stdout).toContain(`at http://127.0.0.1:${port}/api`)
    const state = JSON.parse(readFileSync(join(dir, '.mc/state.json'), 'utf8')) as { pid: number }
    const r = await fetch(`http://127.0.0.1:${port}/api/workflows/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: { prompt: 'bg' }, output_only: true }),
    })
    expect((await r.text()).replace(/^id: .*\n/gm, '')).toBe('data: You\n\ndata:  said:\n\ndata:  bg\n\n')
    const again = await runMc(['up', '-d'], { cwd: dir })
    expect(again.code).toBe(0) // as docker compose: it runs, nothing to do
    expect(again.stdout).toContain('already running')
    const down = await runMc(['down'], { cwd: dir })
    expect(down.code).toBe(0)
    expect(() => process.kill(state.pid, 0)).toThrow()
    expect(existsSync(join(dir, '.mc/state.json'))).toBe(false)
    await expect(fetch(`http://127.0.0.1:${port}/api/health`)).rejects.toThrow()
  })

  test('stop then start runs it again with the same arguments', async () => {
    const port = freePort()
    const dir = composeDir({ 'compose.yml': `controller:\n  port: ${port}\n${chat(upstream.url)}` })
    expect((await runMc(['up', '-d'], { cwd: dir })).code).toBe(0)
    expect((await runMc(['stop'], { cwd: dir })).code).toBe(0)
    await expect(fetch(`http://127.0.0.1:${port}/api/health`)).rejects.toThrow()
    expect((await runMc(['start'], { cwd: dir })).code).toBe(0)
    expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200)
    expect((await runMc(['down'], { cwd: dir })).code).toBe(0)
  })

  test('a port already in use is reported, non-zero exit', async () => {
    const blocker = Bun.serve({ port: 0, hostname: '0.0.0.0', fetch: () => new Response('x') })
    const port = blocker.port!
    const dir = composeDir({ 'compose.yml': `controller:\n  port: ${port}\n${chat(upstream.url)}` })
    const result = await runMc(['up'], { cwd: dir })
    blocker.stop(true)
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(`mc | error: port ${port} on 0.0.0.0 is already in use: stop what listens there or choose another port\n`)
  })
})

describe('mc itself', () => {
  test('--version and --help', async () => {
    expect((await runMc(['--version'])).stdout).toMatch(/^mc \d+\.\d+\.\d+\n$/)
    const help = await runMc(['--help'])
    expect(help.code).toBe(0)
    for (const command of ['up', 'down', 'run', 'validate', '--env-file']) expect(help.stdout).toContain(command)
  })
  test('an unknown command is one line', async () => {
    const result = await runMc(['upp'])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('mc | error: unknown command "upp" (commands: up, down, start, stop, restart, ps, logs, run, validate, help)\n')
  })
})

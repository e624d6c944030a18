// Managed model servers: mc starts a real child process (test/support/model-server.ts,
// started by command the way vLLM would be), waits for it, streams from it, and
// stops its whole process group.
import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { composeDir, freePort, MC, ROOT, startMc, type McProcess } from '../../support/mc.ts'
import { expectGroupGone, groupMembers, groupOf } from '../../support/processes.ts'

const SERVER = [process.execPath, join(ROOT, 'test/support/model-server.ts')]

/** The guide's §11.2.2 vLLM config, its start command pointing at the test server. */
function compose(port: number, serverPort: number, flags: string[] = [], healthcheck = 'path: /health') {
  return `
controller:
  port: ${port}

workflow:
  title: Local Model Streaming
  output: \${output as text;sse-text}

component:
  id: vllm
  type: http-server
  start: ${JSON.stringify([...SERVER, '--port', String(serverPort), ...flags])}
  port: ${serverPort}
  healthcheck:
    ${healthcheck}
  method: POST
  path: /v1/chat/completions
  body:
    model: qwen2-7b-instruct
    messages:
      - role: user
        content: \${input.prompt as text}
    stream: true
  stream_format: json
  output: \${response[].choices[0].delta.content}
`
}

async function up(flags: string[] = [], healthcheck?: string): Promise<{ mc: McProcess; serverPort: number }> {
  const port = freePort()
  const serverPort = freePort()
  const mc = await startMc(composeDir({ 'compose.yml': compose(port, serverPort, flags, healthcheck) }), [], port)
  return { mc, serverPort }
}

const ask = (mc: McProcess, prompt = 'Hello') =>
  fetch(`${mc.url}/api/workflows/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ input: { prompt }, output_only: true }),
  })

/** The process group the managed server runs in (mc starts it under setsid). */
const serverGroup = (mc: McProcess) => groupOf(Number(/model-server: loading weights \(pid (\d+)\)/.exec(mc.logs())![1]))

describe('managed http-server', () => {
  test('starts the server, streams from it, logs its lines under the component id, and stops its whole group', async () => {
    const { mc } = await up(['--child'])
    try {
      const response = await ask(mc, 'Hi vLLM')
      expect((await response.text()).replace(/^id: .*\n/gm, '')).toBe('data: You\n\ndata:  said:\n\ndata:  Hi\n\ndata:  vLLM\n\n')
      expect(mc.logs()).toMatch(/^vllm \| model-server: listening on /m)
      expect(mc.logs()).toMatch(/^vllm \| ready on port \d+/m)
    } finally {
      const group = serverGroup(mc)
      expect(groupMembers(group).length).toBeGreaterThanOrEqual(2) // the server and its worker
      await mc.stop()
      // No orphan: neither the server nor the worker it started survives mc.
      await expectGroupGone(group)
    }
  })

  test('a request that arrives while the server starts waits for it', async () => {
    const { mc } = await up(['--slow-start', '1.5'], 'path: /health\n    interval: 0.2s')
    try {
      const started = performance.now()
      const response = await ask(mc)
      expect((await response.text()).replace(/^id: .*\n/gm, '')).toBe('data: You\n\ndata:  said:\n\ndata:  Hello\n\n')
      expect(performance.now() - started).toBeGreaterThan(1000) // it waited for the slow start
    } finally {
      await mc.stop()
    }
  })

  test('a server that dies while starting: requests fail with its exit code and last lines, mc serves on', async () => {
    const { mc } = await up(['--exit-at-start', '3'])
    try {
      const response = await ask(mc)
      expect(response.status).toBe(500)
      const detail = ((await response.json()) as { detail: string }).detail
      expect(detail).toContain('server "vllm" exited with code 3')
      expect(detail).toContain('CUDA out of memory while loading weights')
      expect((await fetch(`${mc.url}/api/health`)).status).toBe(200)
      expect(mc.logs()).toContain('component "vllm" did not start')
    } finally {
      await mc.stop()
    }
  })

  test('a server that crashes later: the next request fails with its exit code, not a hang', async () => {
    const { mc } = await up(['--crash-after', '1'])
    try {
      expect((await ask(mc)).status).toBe(200)
      const broken = await ask(mc) // the server dies answering this one
      expect(broken.status).toBe(502)
      const deadline = Date.now() + 3000
      while (!mc.logs().includes('exited with code 139') && Date.now() < deadline) await Bun.sleep(20)
      const after = await ask(mc)
      expect(after.status).toBe(500)
      const detail = ((await after.json()) as { detail: string }).detail
      expect(detail).toContain('server "vllm" exited with code 139')
      expect(detail).toContain('segmentation fault')
    } finally {
      await mc.stop()
    }
  })

  test('a server that never becomes healthy fails its requests after the retries', async () => {
    const { mc } = await up(['--never-healthy'], 'path: /health\n    interval: 0.1s\n    max_retry_count: 5')
    try {
      const response = await ask(mc)
      expect(response.status).toBe(500)
      expect(((await response.json()) as { detail: string }).detail).toMatch(/server "vllm" did not become healthy after 5 tries/)
    } finally {
      const group = serverGroup(mc)
      await mc.stop()
      await expectGroupGone(group)
    }
  })

  test('Ctrl-C (SIGINT) on mc up stops the server group too', async () => {
    const { mc } = await up(['--child'])
    try {
      expect((await ask(mc)).status).toBe(200)
      const group = serverGroup(mc)
      mc.proc.kill('SIGINT')
      expect(await mc.proc.exited).toBe(130)
      await expectGroupGone(group)
    } finally {
      mc.proc.kill('SIGKILL') // when an expectation failed before
    }
  })

  test('even when mc is killed outright (SIGKILL), nothing of the server survives', async () => {
    const { mc } = await up(['--child'])
    try {
      expect((await ask(mc)).status).toBe(200)
      const group = serverGroup(mc)
      expect(groupMembers(group).length).toBeGreaterThanOrEqual(3) // supervisor, server, worker
      mc.proc.kill('SIGKILL')
      await mc.proc.exited
      await expectGroupGone(group)
    } finally {
      mc.proc.kill('SIGKILL') // when an expectation failed before
    }
  })

  test('a port already in use (on 127.0.0.1 or 0.0.0.0) stops mc up and mc run with an error naming it', async () => {
    for (const hostname of ['127.0.0.1', '0.0.0.0']) {
      const blocker = Bun.serve({ port: 0, hostname, fetch: () => new Response('someone else') })
      try {
        const dir = composeDir({ 'compose.yml': compose(freePort(), blocker.port!) })
        for (const command of [['up'], ['run', '-i', '{"prompt": "x"}']]) {
          // Before, `mc up` served on (stopped here after 15 s) and requests went to the other server.
          const proc = Bun.spawn([...MC, ...command], { cwd: dir, stdout: 'pipe', stderr: 'pipe', timeout: 15_000 })
          const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited, new Response(proc.stdout).text()])
          expect({ command: command[0], code, stderr }).toEqual({
            command: command[0],
            code: 1,
            stderr: `mc | error: component "vllm": port ${blocker.port} is already in use; change "port" or stop what listens there\n`,
          })
        }
      } finally {
        blocker.stop(true)
      }
    }
  })
})

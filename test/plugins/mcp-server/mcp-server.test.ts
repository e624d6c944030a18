// Managed MCP servers: mc starts a real MCP server made with the official SDK
// (test/support/mcp-sdk-server.ts, a child process with a worker of its own),
// waits for its port, calls its tools, and stops its whole process group.
import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { composeDir, freePort, ROOT, runMc, startMc, type McProcess } from '../../support/mc.ts'
import { alive, expectGroupGone, groupMembers, groupOf } from '../../support/processes.ts'
import { until } from '../../support/task-streams.ts'

const SERVER = [process.execPath, join(ROOT, 'test/support/mcp-sdk-server.ts')]

/** Over HTTP (model-compose's way), or over stdio when `serverPort` is undefined. */
function compose(port: number, serverPort: number | undefined, start: string[]) {
  const connection = serverPort === undefined ? 'transport: stdio' : `port: ${serverPort}\n    base_path: /mcp\n    headers:\n      X-Team: ops`
  return `
controller:
  port: ${port}

components:
  - id: tools
    type: mcp-server
    ${connection}
    manage:
      scripts:
        start: ${JSON.stringify(start)}
    actions:
      - id: echo
        tool: echo
        arguments:
          text: \${input.text}
        output: \${response[0]}
      - id: add
        tool: add
        arguments:
          a: \${input.a as number}
          b: \${input.b as number}
      - id: slow
        tool: slow
        arguments:
          seconds: 10
      - id: big
        tool: big
        arguments:
          bytes: \${input.bytes as integer}

workflows:
  - id: echo
    component: tools
    action: echo
  - id: add
    component: tools
    action: add
  - id: slow
    component: tools
    action: slow
  - id: big
    component: tools
    action: big
`
}

async function up(start: (serverPort: number) => string[]): Promise<McProcess> {
  const port = freePort()
  const serverPort = freePort()
  return startMc(composeDir({ 'compose.yml': compose(port, serverPort, start(serverPort)) }), [], port)
}

/** mc managing a server it speaks to over stdio. */
async function upStdio(start: string[], env: Record<string, string> = {}): Promise<McProcess> {
  const port = freePort()
  return startMc(composeDir({ 'compose.yml': compose(port, undefined, start) }), [], port, env)
}

const run = (mc: McProcess, workflow_id: string, input: Record<string, unknown> = {}, signal?: AbortSignal) =>
  fetch(`${mc.url}/api/workflows/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workflow_id, input, output_only: true }),
    ...(signal ? { signal } : {}),
  })

/** The client of a slow tool call goes away: the server hears the call cancelled (it logs it, under the component id). */
async function expectSlowCallCancelled(mc: McProcess): Promise<void> {
  const abort = new AbortController()
  const slow = run(mc, 'slow', {}, abort.signal).catch(() => undefined)
  await until('the server got the call', () => /call slow/.test(mc.logs()), 5000)
  abort.abort()
  await slow
  await until('the server heard the cancel', () => /mcp-sdk-server: slow cancelled/.test(mc.logs()), 5000)
  expect(mc.logs()).toMatch(/^tools \| mcp-sdk-server: slow cancelled$/m)
}

const detailOf = async (response: Response) => ((await response.json()) as { detail: string }).detail

/** The process group the managed server runs in (mc starts it under its supervisor, in a group of its own). */
const serverGroup = (mc: McProcess) => groupOf(Number(/mcp-sdk-server: listening on \S+ \(pid (\d+)\)/.exec(mc.logs())![1]))

describe('managed mcp-server', () => {
  test('starts the server, calls its tools with the headers, cancels a call, and stops its whole group', async () => {
    const mc = await up((serverPort) => [...SERVER, '--port', String(serverPort), '--child'])
    let group: number | undefined
    try {
      const response = await run(mc, 'echo', { text: 'hello SDK' })
      expect(response.status).toBe(200)
      expect(await response.json()).toBe('hello SDK')
      // What the server saw, in its own log lines (mc logs them under the component id; they come
      // through the server's stdout pipe, and may arrive after the answer does).
      await until('the server logged the call', () => /^tools \| mcp-sdk-server: call echo x-team=ops$/m.test(mc.logs()), 5000)
      expect(mc.logs()).toMatch(/^tools \| ready on port \d+/m)

      await expectSlowCallCancelled(mc)

      group = serverGroup(mc)
      expect(groupMembers(group).length).toBeGreaterThanOrEqual(2) // the server and its worker
    } finally {
      await mc.stop()
    }
    // No orphan: neither the server nor the worker it started survives mc.
    await expectGroupGone(group!)
  })

  test('a start command that does not exist: runs fail with one clear message, mc serves on', async () => {
    const mc = await up(() => ['/nonexistent/mcp-server-binary'])
    try {
      const response = await run(mc, 'echo', { text: 'hi' })
      expect(response.status).toBe(500)
      const detail = await detailOf(response)
      expect(detail).toContain('server "tools" exited with code 127')
      expect(detail).toContain('/nonexistent/mcp-server-binary')
      expect((await fetch(`${mc.url}/api/health`)).status).toBe(200)
    } finally {
      await mc.stop()
    }
  })

  test('a server that dies after it started: the next run says so', async () => {
    const mc = await up((serverPort) => [...SERVER, '--port', String(serverPort)])
    try {
      expect(await (await run(mc, 'echo', { text: 'alive' })).json()).toBe('alive')
      const pid = Number(/mcp-sdk-server: listening on \S+ \(pid (\d+)\)/.exec(mc.logs())![1])
      process.kill(pid, 'SIGKILL')
      await until('mc saw the server exit', () => /exited with code/.test(mc.logs()), 5000)
      const response = await run(mc, 'echo', { text: 'anyone?' })
      expect(response.status).toBe(500)
      expect(await detailOf(response)).toContain('server "tools" exited with code 137')
    } finally {
      await mc.stop()
    }
  })

  test('over stdio (transport: stdio): calls its tools, cancels a call, and stops it with mc', async () => {
    const mc = await upStdio([...SERVER, '--stdio'])
    let pid = 0
    try {
      expect(await (await run(mc, 'echo', { text: 'over stdio' })).json()).toBe('over stdio')
      expect(await (await run(mc, 'add', { a: 20, b: 22 })).json()).toEqual(['42'])
      expect(mc.logs()).toMatch(/^tools \| ready on stdio$/m)

      await expectSlowCallCancelled(mc)
      pid = Number(/mcp-sdk-server: ready on stdio \(pid (\d+)\)/.exec(mc.logs())![1])
      expect(alive(pid)).toBe(true)
    } finally {
      await mc.stop()
    }
    await until('the server is gone', () => !alive(pid), 5000)
    expect(alive(pid)).toBe(false)
  })

  test('a stdio message past MC_MAX_RESPONSE_BYTES answers 502 saying how to raise it', async () => {
    const mc = await upStdio([...SERVER, '--stdio'], { MC_MAX_RESPONSE_BYTES: '64KiB' })
    try {
      expect(await (await run(mc, 'big', { bytes: 1000 })).json()).toEqual(['x'.repeat(1000)])
      const response = await run(mc, 'big', { bytes: 200_000 })
      expect(response.status).toBe(502)
      expect(await detailOf(response)).toContain('MCP server "tools" (stdio) wrote a message larger than 64 KiB')
    } finally {
      await mc.stop()
    }
  })

  test('a stdio server whose command fails: runs fail with its exit code and last lines', async () => {
    const mc = await upStdio(['sh', '-c', 'echo "no such model" >&2; exit 3'])
    try {
      const response = await run(mc, 'echo', { text: 'hi' })
      expect(response.status).toBe(500)
      expect(await detailOf(response)).toBe('server "tools" exited with code 3; its last lines:\nno such model')
    } finally {
      await mc.stop()
    }
  })

  test('no start command, or HTTP keys on a stdio server, is a load error at its line', async () => {
    const validate = async (component: string) => (await runMc(['validate'], { cwd: composeDir({ 'compose.yml': `component:\n  type: mcp-server\n${component}` }) })).stderr
    expect(await validate('  transport: stdio\n  start: [srv]\n  port: 9\n')).toBe(
      'mc | error: compose.yml:5:9: component.port: a stdio server has no "port": mc speaks MCP to it on its stdin and stdout\n',
    )
    expect(await validate('  port: 9\n  action:\n    tool: echo\n')).toBe(
      'mc | error: compose.yml:2:3: component: needs the command that starts the server: "start" (or "manage.start"); for a server mc does not start, use an mcp-client\n',
    )
  })
})

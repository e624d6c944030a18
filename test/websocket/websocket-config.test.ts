// The http-server adapter's `websocket:` as model-compose 0.4.92 writes it: on
// by default at /ws, `false` turns it off, an object sets path, connection
// limit and pings; a bad value is one line at file:line:col. And a custom
// path serves under the controller's base_path, to the listed origins' pages.
import { describe, expect, test } from 'bun:test'
import { loadCompose } from '../../core/compose/load.ts'
import { PluginRegistry } from '../../core/plugin/registry.ts'
import { registerBuiltins } from '../../plugins/index.ts'
import { composeDir, freePort, runMc, startMc } from '../support/mc.ts'
import { connect } from './socket-client.ts'

const ECHO = 'component:\n  type: shell\n  command: [printf, "%s", "${input.word}"]\n  output: ${stdout}\n'

async function controllerOf(adapter: string) {
  const registry = new PluginRegistry()
  registerBuiltins(registry)
  const text = `controller:\n  adapter:\n    type: http-server\n${adapter}${ECHO}`
  return (await loadCompose({ files: [], env: {}, registry, cwd: composeDir({ 'compose.yml': text }) })).model.controller
}

describe('websocket:', () => {
  test('on by default with model-compose defaults; true is the same; an object sets its fields', async () => {
    const defaults = { path: '/ws', pingIntervalMs: 30_000, pingTimeoutMs: 10_000 }
    expect((await controllerOf('')).websocket).toEqual(defaults)
    expect((await controllerOf('    websocket: true\n')).websocket).toEqual(defaults)
    expect((await controllerOf('    websocket:\n      path: /socket/\n      max_connection_count: 100\n      ping_interval: 0\n      ping_timeout: 5s\n')).websocket).toEqual({ path: '/socket', maxConnections: 100, pingIntervalMs: 0, pingTimeoutMs: 5000 })
    expect((await controllerOf('    websocket: false\n')).websocket).toBeUndefined()
  })

  test.each([
    ['a path without its slash', '    websocket:\n      path: ws\n', '{"path":"ws"}'],
    ['a connection limit of 0', '    websocket:\n      max_connection_count: 0\n', '{"max_connection_count":0}'],
    ['an unknown key', '    websocket:\n      heartbeat: 5\n', '{"heartbeat":5}'],
  ])('%s is refused in one line at its place', async (_name, adapter, given) => {
    const result = await runMc(['validate', '-f', 'compose.yml'], { cwd: composeDir({ 'compose.yml': `controller:\n  adapter:\n    type: http-server\n${adapter}${ECHO}` }) })
    expect(result.code).toBe(1)
    expect(result.stderr.trim()).toBe(`mc | error: compose.yml:5:7: controller.adapter.websocket: expected true, false or {path, max_connection_count, ping_interval, ping_timeout}, got ${given}`)
  })

  test('a custom path is served under base_path; with origins listed, a page of another origin is refused', async () => {
    const port = freePort()
    const mc = await startMc(composeDir({ 'compose.yml': `controller:\n  adapter:\n    type: http-server\n    port: ${port}\n    base_path: /v2\n    origins: "https://app.example.com"\n    websocket: { path: /live }\n${ECHO}` }), [], port, {}, '/v2')
    try {
      const c = await connect(`ws://127.0.0.1:${port}/v2/live`)
      c.send({ type: 'run_workflow', id: 'r', data: { input: { word: 'here' } } })
      expect((await c.next((m) => m.type === 'task_state' && m.data.status !== 'processing')).data).toMatchObject({ status: 'completed', output: 'here' })
      c.close()
      expect((await fetch(`http://127.0.0.1:${port}/v2/ws`)).status).toBe(404)
      const upgrade = { upgrade: 'websocket', connection: 'upgrade', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' }
      const evil = await fetch(`http://127.0.0.1:${port}/v2/live`, { headers: { ...upgrade, origin: 'https://evil.example' } })
      expect(evil.status).toBe(403)
      expect(await evil.json()).toEqual({ detail: 'a page of https://evil.example may not open this WebSocket: list that origin in controller.origins' })
      const listed = await connect(`ws://127.0.0.1:${port}/v2/live`, { headers: { origin: 'https://app.example.com' } })
      listed.close()
    } finally {
      await mc.stop()
    }
  })
})

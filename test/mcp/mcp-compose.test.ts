// How the mcp-server adapter loads: model-compose 0.4.92's `controller.adapter(s)`
// form and 0.4.10's `controller.type: mcp-server`, its defaults (model-compose's),
// beside an http-server adapter, and its mistakes refused with file:line:col.
// The mcp-servers examples are copies of model-compose's (test/fixtures/model-compose/).
import { expect, test } from 'bun:test'
import { join } from 'node:path'
import { loadCompose } from '../../core/compose/load.ts'
import type { ControllerModel } from '../../core/model/compose-model.ts'
import { PluginRegistry } from '../../core/plugin/registry.ts'
import { registerBuiltins } from '../../plugins/index.ts'
import { composeDir, runMc } from '../support/mc.ts'

const EXAMPLES = join(import.meta.dir, '../fixtures/model-compose')

async function controllerOf(file: string, env: Record<string, string> = {}): Promise<ControllerModel> {
  const registry = new PluginRegistry()
  registerBuiltins(registry)
  const { model } = await loadCompose({ files: [file], env, registry })
  return model.controller
}

const fileWith = (controller: string) =>
  join(composeDir({ 'compose.yml': `controller:\n${controller}\nworkflows:\n  - id: hi\n    jobs: [{ component: hi }]\ncomponents:\n  - { id: hi, type: shell, command: [echo, hi] }\n` }), 'compose.yml')

test("0.4.92's korea-dart-mcp example: MCP at /mcp on 8080; its Web UI gets the HTTP API it calls on a free loopback port", async () => {
  const controller = await controllerOf(join(EXAMPLES, '0.4.92/mcp-servers/korea-dart-mcp/model-compose.yml'))
  expect(controller.mcp).toEqual({ transport: 'http', host: '127.0.0.1', port: 8080, basePath: '/mcp', serverName: 'mc' })
  expect(controller).toMatchObject({ serveHttp: true, host: '127.0.0.1', port: 0, webui: { port: 8081 } })
})

test("slack-bot, 0.4.92's form and 0.4.10's `controller.type: mcp-server`, load alike (with the variable its defaults read)", async () => {
  const env = { DEFAULT_SLACK_CHANNEL_ID: 'C0123', SLACK_APP_TOKEN: 'xoxb-test' }
  for (const version of ['0.4.92', '0.4.10']) {
    const controller = await controllerOf(join(EXAMPLES, version, 'mcp-servers/slack-bot/model-compose.yml'), env)
    expect(controller.mcp).toEqual({ transport: 'http', host: '127.0.0.1', port: 8080, basePath: '/mcp', serverName: 'mc' })
  }
})

test("model-compose's defaults: 127.0.0.1, port 8080, the endpoint at /; an MCP-only file serves no HTTP API", async () => {
  const controller = await controllerOf(fileWith('  adapter:\n    type: mcp-server'))
  expect(controller.mcp).toEqual({ transport: 'http', host: '127.0.0.1', port: 8080, basePath: '/', serverName: 'mc' })
  expect(controller.serveHttp).toBe(false)
})

test('both adapters at once, each on its own port; the controller name is the server name; stdio', async () => {
  const controller = await controllerOf(
    fileWith('  name: tools\n  adapters:\n    - { type: http-server, port: 9101 }\n    - { type: mcp-server, port: 9102, base_path: mcp/, transport: stdio }'),
  )
  expect(controller).toMatchObject({ serveHttp: true, port: 9101, basePath: '/api' })
  expect(controller.mcp).toEqual({ transport: 'stdio', host: '127.0.0.1', port: 9102, basePath: '/mcp', serverName: 'tools' })
})

test('mistakes are refused with file:line:col and the key path', async () => {
  const refusal = (controller: string) => controllerOf(fileWith(controller)).then(() => '', (error: Error) => error.message.replace(/^\S*\/compose\.yml/, 'compose.yml'))
  expect(await refusal('  adapter:\n    type: mcp-server\n    transport: websocket')).toBe('compose.yml:4:16: controller.adapter.transport: expected "http" or "stdio", got "websocket"')
  expect(await refusal('  adapters:\n    - { type: mcp-server }\n    - { type: mcp-server, port: 9 }')).toBe(
    'compose.yml:2:3: controller.adapters: mc serves at most one adapter of each type; this controller has 2 mcp-server adapters',
  )
  expect(await refusal('  type: mcp-server\n  adapter:\n    type: http-server')).toBe('compose.yml:2:9: controller.type: use either "type: mcp-server" (the 0.4.10 form) or "adapter"/"adapters", not both')
  expect(await refusal('  type: mcp-server\n  port: 70000')).toMatch(/^compose\.yml:3:9: controller\.port: expected a port number/)
  expect(await refusal('  adapters:\n    - { type: mcp-server, port: 9, origins: "*" }')).toMatch(/^compose\.yml:3:\d+: controller\.adapters\[0\]/)
})

test('mc up -d refuses an MCP server on stdio: its client starts it', async () => {
  const file = fileWith('  adapter:\n    type: mcp-server\n    transport: stdio')
  const { code, stderr } = await runMc(['up', '-d', '-f', file])
  expect(code).toBe(1)
  expect(stderr).toBe('mc | error: an MCP server on stdio is started by its client: run mc up without -d\n')
})

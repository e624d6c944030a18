// Where API keys come from, as `mc up` reads them: MC_API_KEY alone works as
// it always has (one key, named "default"); a key file others may read, or
// with a bad entry, stops mc with one line naming the file (and its line),
// the key itself never shown; MC_API_KEYS' keys open the Web UI too, which
// calls the controller with the key its client sent.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { composeDir, freePort, runMc, startComposed, writeKeyFile, type McProcess } from '../support/mc.ts'

const KEY = 'only-key-6c2e90d1a4'
const compose = (port: number, uiPort?: number) => `
controller:
  port: ${port}
${uiPort ? `  webui:\n    port: ${uiPort}\n` : ''}workflow:
  id: greet
  output: { greeting: "Hello \${input.name}" }
  jobs:
    - component: nothing
component:
  id: nothing
  type: shell
  command: [true]
`

/** `mc up` with a key file of that text and mode: it must stop at once, before listening. */
async function upWithKeyFile(text: string, mode: number) {
  const dir = composeDir({ 'compose.yml': compose(freePort()) })
  return await runMc(['up'], { cwd: dir, env: { MC_API_KEYS_FILE: writeKeyFile(dir, text, mode) } })
}

describe('MC_API_KEY alone', () => {
  let mc: McProcess
  beforeAll(async () => {
    mc = await startComposed(compose, { MC_API_KEY: KEY })
  })
  afterAll(async () => {
    await mc?.stop()
  })

  test('works as before: the key as a Bearer token, 401 without it, named "default" in the log', async () => {
    const run = (headers: Record<string, string>) =>
      fetch(`${mc.api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ input: { name: 'key' }, output_only: true }) })
    expect(await (await run({ authorization: `Bearer ${KEY}` })).json()).toEqual({ greeting: 'Hello key' })
    const missing = await run({})
    expect(missing.status).toBe(401)
    expect(await missing.json()).toEqual({ detail: 'missing API key: send "Authorization: Bearer <key>" (the value of MC_API_KEY)' })
    expect(mc.logs()).toContain('API key required (keys: default)')
    expect(mc.logs()).not.toContain(KEY)
  })
})

describe('MC_API_KEYS_FILE', () => {
  test('a file its group or others may read is refused, naming the fix', async () => {
    const { code, stderr } = await upWithKeyFile(`alice: ${KEY}\n`, 0o644)
    expect(code).toBe(1)
    expect(stderr).toBe('mc | error: MC_API_KEYS_FILE: its group or others may read it (mode 0644); make it readable by its owner only: chmod 600 "$MC_API_KEYS_FILE"\n')
    expect(stderr).not.toContain(KEY)
  })

  test('a bad entry names its line; an empty file does not leave the API open', async () => {
    const unknown = await upWithKeyFile(`alice: ${KEY}\nbob:\n  key: bob-key-81f0d3c2ae\n  requests_per_hour: 5\n`, 0o600)
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('MC_API_KEYS_FILE line 4: "bob".requests_per_hour: unknown field (fields: key, requests_per_minute, concurrent_runs)')
    const zero = await upWithKeyFile(`alice:\n  key: ${KEY}\n  concurrent_runs: 0\n`, 0o600)
    expect(zero.stderr).toContain('line 3: "alice".concurrent_runs: expected a whole number above 0')
    const twice = await upWithKeyFile(`alice: ${KEY}\nbob: ${KEY}\n`, 0o600)
    expect(twice.stderr).toContain('API keys: "bob" has the same key as another name; give each name its own key')
    const empty = await upWithKeyFile('# nobody yet\n', 0o600)
    expect(empty.code).toBe(1)
    expect(empty.stderr).toContain('MC_API_KEYS_FILE: has no keys')
    for (const { stderr } of [unknown, zero, twice]) expect(stderr).not.toContain(KEY)
  })
})

describe('MC_API_KEYS and the Web UI', () => {
  let mc: McProcess
  let ui: string
  beforeAll(async () => {
    const uiPort = freePort()
    ui = `http://127.0.0.1:${uiPort}`
    mc = await startComposed((port) => compose(port, uiPort), { MC_API_KEYS: `erin:erin-key-2d7c51f0b8, frank:${KEY}` })
  })
  afterAll(async () => {
    await mc?.stop()
  })

  test("a named key opens the Web UI (Basic), whose calls to the controller go with that key", async () => {
    expect((await fetch(`${ui}/ui/workflows`)).status).toBe(401)
    const listed = await fetch(`${ui}/ui/workflows`, { headers: { authorization: `Basic ${btoa(`me:${KEY}`)}` } })
    expect(listed.status).toBe(200)
    expect(((await listed.json()) as { workflow_id: string }[]).map((w) => w.workflow_id)).toEqual(['greet'])
    const ran = await fetch(`${ui}/ui/run`, {
      method: 'POST',
      headers: { authorization: 'Bearer erin-key-2d7c51f0b8', 'content-type': 'application/json' },
      body: JSON.stringify({ workflow_id: 'greet', input: { name: 'erin' } }),
    })
    expect(await ran.text()).toBe(`${JSON.stringify({ value: { greeting: 'Hello erin' } })}\n`)
    expect(mc.logs()).toContain('API key required (keys: erin, frank)')
  })
})

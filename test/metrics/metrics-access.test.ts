// Who may read /metrics: anybody without keys; with MC_API_KEY, that key (as
// every route); with MC_METRICS_KEY, that key alone — which runs nothing.
// Runs are counted by the NAME of their key, never the key. MC_METRICS=off
// serves no metrics; a bad value stops `mc up` with one line.
import { afterAll, describe, expect, test } from 'bun:test'
import { composeDir, freePort, runMc, startComposed, type McProcess } from '../support/mc.ts'
import { valueOf } from './exposition.ts'

const compose = (port: number) => `
controller:
  port: ${port}
workflow:
  jobs:
    - component: echo
components:
  - id: echo
    type: shell
    command: [printf, ok]
    output: \${stdout}
`

const started: McProcess[] = []
afterAll(async () => {
  for (const mc of started) await mc.stop()
})

async function mcWith(env: Record<string, string>): Promise<string> {
  const mc = await startComposed(compose, env)
  started.push(mc)
  return mc.api
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` })

describe('/metrics access', () => {
  test('with MC_API_KEY: 401 without it, the metrics with it', async () => {
    const api = await mcWith({ MC_API_KEY: 'api-secret-1' })
    expect((await fetch(`${api}/metrics`)).status).toBe(401)
    const answer = await fetch(`${api}/metrics`, { headers: bearer('api-secret-1') })
    expect(answer.status).toBe(200)
    expect(await answer.text()).toContain('# TYPE mc_runs_total counter')
  })

  test('with MC_METRICS_KEY: that key alone, and it runs nothing', async () => {
    const api = await mcWith({ MC_API_KEY: 'api-secret-2', MC_METRICS_KEY: 'scrape-secret' })
    expect((await fetch(`${api}/metrics`)).status).toBe(401)
    const withApiKey = await fetch(`${api}/metrics`, { headers: bearer('api-secret-2') })
    expect(withApiKey.status).toBe(401)
    expect(await withApiKey.text()).not.toContain('scrape-secret')
    expect((await fetch(`${api}/metrics`, { headers: bearer('scrape-secret') })).status).toBe(200)
    const run = await fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer('scrape-secret') }, body: '{}' })
    expect(run.status).toBe(401)
  })

  test("named keys: runs counted by the key's name, the key itself nowhere", async () => {
    const api = await mcWith({ MC_API_KEYS: 'alice:alice-secret-key,bob:bob-secret-key' })
    const run = (key: string) => fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(key) }, body: '{"output_only": true}' })
    for (const key of ['alice-secret-key', 'alice-secret-key', 'bob-secret-key']) expect(await (await run(key)).json()).toBe('ok')
    let text = ''
    for (let i = 0; i < 200 && valueOf(text, 'mc_runs_total', { api_key: 'bob' }) < 1; i++) {
      text = await (await fetch(`${api}/metrics`, { headers: bearer('bob-secret-key') })).text()
      await Bun.sleep(i === 0 ? 0 : 25)
    }
    expect(valueOf(text, 'mc_runs_total', { status: 'completed', api_key: 'alice' })).toBe(2)
    expect(valueOf(text, 'mc_runs_total', { status: 'completed', api_key: 'bob' })).toBe(1)
    expect(text).not.toContain('secret-key')
  })

  test('MC_METRICS=off: no metrics, runs as before', async () => {
    const api = await mcWith({ MC_METRICS: 'off' })
    const answer = await fetch(`${api}/metrics`)
    expect(answer.status).toBe(404)
    expect(await answer.json()).toEqual({ detail: 'metrics are off (MC_METRICS=off)' })
    const run = await fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"output_only": true}' })
    expect(await run.json()).toBe('ok')
  })

  test('a bad MC_METRICS: one line naming it, and no server', async () => {
    const dir = composeDir({ 'compose.yml': compose(freePort()) })
    const { code, stderr } = await runMc(['up'], { cwd: dir, env: { MC_METRICS: 'maybe' } })
    expect(code).not.toBe(0)
    expect(stderr).toContain('MC_METRICS: expected on or off, got "maybe"')
    expect(stderr).not.toContain('    at ')
  })
})

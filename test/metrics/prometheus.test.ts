// mc's /metrics as Prometheus itself takes it: `promtool check metrics` finds
// nothing to say of the text (names, units, types, help), and a real
// Prometheus server (Debian's), started here with a scrape config pointing at
// a spawned `mc up` (with MC_METRICS_KEY, as a bearer credential), reports
// the runs through its query API.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, startComposed, waitForHttp, type McProcess } from '../support/mc.ts'
import { requirementMet } from '../support/requirements.ts'
import { chatStreamComponent, sseWorkflow } from '../support/task-streams.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

const KEY = 'prometheus-scrape-key'
const PROMETHEUS = Bun.which('prometheus')
const PROMTOOL = Bun.which('promtool')

const compose = (u: string, port: number) => `
controller:
  port: ${port}
workflows:${sseWorkflow('chat')}
  - id: whole
    jobs:
      - component: whole
components:${chatStreamComponent('chat', `${u}/v1/chat/completions`)}
  - id: whole
    type: http-client
    endpoint: ${u}/json
    body: { a: 1 }
    output: \${response.text}
`

if (requirementMet('prometheus', PROMETHEUS !== null && PROMTOOL !== null, "Debian's prometheus (and promtool)", 'apt-get install -y prometheus')) {
  let upstream: Upstream
  let mc: McProcess
  let api: string
  beforeAll(async () => {
    upstream = startUpstream()
    mc = await startComposed((port) => compose(upstream.url, port), { MC_METRICS_KEY: KEY })
    api = mc.api
    const run = (body: unknown) => fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    for (let i = 0; i < 2; i++) expect(await (await run({ workflow_id: 'chat', input: { prompt: `hello ${i}` }, output_only: true })).text()).toContain(`data:  ${i}`)
    expect((await run({ workflow_id: 'whole' })).status).toBe(200)
  })
  afterAll(async () => {
    await mc?.stop()
    upstream?.stop()
  })

  const scrape = async () => (await fetch(`${api}/metrics`, { headers: { authorization: `Bearer ${KEY}` } })).text()

  describe('Prometheus', () => {
    test('promtool check metrics: no problem found', async () => {
      const text = await scrape()
      expect(text).toContain('mc_time_to_first_chunk_seconds_bucket')
      const check = Bun.spawn([PROMTOOL!, 'check', 'metrics'], { stdin: new TextEncoder().encode(text), stdout: 'pipe', stderr: 'pipe' })
      const [out, err, code] = await Promise.all([new Response(check.stdout).text(), new Response(check.stderr).text(), check.exited])
      expect(`${out}${err}`).toBe('')
      expect(code).toBe(0)
    })

    test('a real Prometheus scraping mc reports its runs', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mc-prometheus-'))
      const target = new URL(mc.url).host
      writeFileSync(
        join(dir, 'prometheus.yml'),
        `scrape_configs:
  - job_name: mc
    scrape_interval: 1s
    metrics_path: /api/metrics
    authorization: { credentials: ${KEY} }
    static_configs: [{ targets: ['${target}'] }]
`,
      )
      const port = freePort()
      const server = Bun.spawn([PROMETHEUS!, `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdout: 'ignore', stderr: 'pipe' })
      try {
        const base = `http://127.0.0.1:${port}`
        await waitForHttp(`${base}/-/ready`, server)
        const query = async (promql: string) => {
          const answer = (await (await fetch(`${base}/api/v1/query?query=${encodeURIComponent(promql)}`)).json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }
          return answer.data.result
        }
        let runs: Awaited<ReturnType<typeof query>> = []
        // Until its first scrapes landed (a scrape a second); bounded.
        for (let i = 0; i < 300 && runs.length < 2; i++) {
          runs = await query('mc_runs_total{job="mc"}')
          if (runs.length < 2) await Bun.sleep(100)
        }
        const byWorkflow = Object.fromEntries(runs.map((r) => [`${r.metric.workflow}/${r.metric.status}`, Number(r.value[1])]))
        expect(byWorkflow).toEqual({ 'chat/completed': 2, 'whole/completed': 1 })
        const up = await query('up{job="mc"}')
        expect(up.map((r) => r.value[1])).toEqual(['1'])
        const chunks = await query('sum(mc_stream_chunks_total{job="mc"})')
        expect(Number(chunks[0]!.value[1])).toBeGreaterThan(0)
      } finally {
        server.kill()
        await server.exited
      }
    }, 60_000)
  })
}

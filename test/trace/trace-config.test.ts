// The `tracer:` / `tracers:` sections as model-compose 0.4.92 writes them, and
// the standard OTEL_EXPORTER_OTLP_* variables: what mc accepts, and the one
// line it answers for what it does not.
import { describe, expect, test } from 'bun:test'
import { composeDir, runMc, startComposed } from '../support/mc.ts'
import { startReceiver } from './otlp-receiver.ts'

const ECHO = `
workflow:
  id: echo
  job: { component: echo }
component:
  id: echo
  type: shell
  command: [printf, "%s", "\${input.word}"]
  output: \${stdout}
`

async function validate(text: string, env: Record<string, string> = {}) {
  return runMc(['validate', '-f', 'compose.yml'], { cwd: composeDir({ 'compose.yml': text }), env })
}

async function validateError(text: string, env: Record<string, string> = {}): Promise<string> {
  const result = await validate(text, env)
  expect(result.code).toBe(1)
  expect(result.stderr.trim().split('\n')).toHaveLength(1)
  return result.stderr.trim().replace(/^mc \| error: /, '')
}

describe('the sections', () => {
  test("model-compose's single tracer and list of tracers are accepted", async () => {
    const one = 'tracer:\n  driver: langfuse\n  public_key: pk-1\n  secret_key: sk-1\n  host: localhost\n  port: 3000\n  secure: false\n  capture: { input: false, redact_keys: [password], max_payload_bytes: 1048576 }\n  timeout: 10\n'
    expect((await validate(one + ECHO)).code).toBe(0)
    const list = 'tracers:\n  - driver: langfuse\n    public_key: pk-1\n    secret_key: sk-1\n  - driver: otlp\n    endpoint: http://localhost:4318/v1/traces\n    headers: { x-tenant: a }\n    service_name: mine\n'
    expect((await validate(list + ECHO)).code).toBe(0)
  })

  test('a bad tracer is one line naming its place', async () => {
    expect(await validateError(`tracer:\n  driver: datadog\n${ECHO}`)).toBe('compose.yml:2:11: tracer.driver: expected "langfuse" or "otlp", got "datadog"')
    expect(await validateError(`tracer:\n  driver: langfuse\n  public_key: pk\n${ECHO}`)).toContain('tracer.secret_key: is required')
    expect(await validateError(`tracer:\n  driver: langfuse\n  public_key: pk\n  secret_key: sk\n  url: http://a\n  host: b\n${ECHO}`)).toBe(
      'compose.yml:6:3: tracers[0].host: use either "url" or "host" (with port and secure), not both',
    )
    expect(await validateError(`tracer:\n  driver: otlp\n  endpoint: http://c:4317\n  protocol: grpc\n${ECHO}`)).toContain('tracers[0].protocol: mc sends OTLP over HTTP only')
    expect(await validateError(`tracer:\n  driver: otlp\n  endpoint: http://c/v1/traces\n  capture: { redact: [a] }\n${ECHO}`)).toContain('unknown key "redact"')
    expect(await validateError(`tracer:\n  driver: otlp\n  endpoint: http://c/v1/traces\ntracers: []\n${ECHO}`)).toContain('use either "tracer" (one) or "tracers" (a list), not both')
  })

  test('a bad OTEL_EXPORTER_OTLP_* variable is one line naming it', async () => {
    expect(await validateError(ECHO, { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toBe('OTEL_EXPORTER_OTLP_ENDPOINT: expected an http:// or https:// URL, got "collector:4318"')
    expect(await validateError(ECHO, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toContain('OTEL_EXPORTER_OTLP_PROTOCOL: mc sends OTLP over HTTP')
  })
})

describe('OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  test('turns on an otlp tracer sending to {endpoint}/v1/traces with OTEL_EXPORTER_OTLP_HEADERS, which go nowhere else', async () => {
    const token = 'collector-token-5e6f7a8b'
    const receiver = startReceiver({ path: '/v1/traces', headers: { authorization: `Bearer ${token}`, 'x-tenant': 'tenant-7' } })
    const langfuse = startReceiver({ path: '/api/public/otel/v1/traces', headers: { authorization: `Basic ${btoa('pk-1:sk-1')}` } })
    const tracer = `tracer: { driver: langfuse, public_key: pk-1, secret_key: sk-1, url: "${langfuse.url}" }\n`
    const mc = await startComposed((port) => `controller: { port: ${port} }\n${tracer}${ECHO}`, {
      OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.url}/`,
      OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer%20${token},x-tenant=tenant-7`,
      OTEL_SERVICE_NAME: 'from-env',
      OTEL_BSP_SCHEDULE_DELAY: '50',
    })
    try {
      const response = await fetch(`${mc.api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input: { word: 'hi' }, wait_for_completion: true }) })
      expect(((await response.json()) as { output: string }).output).toBe('hi')
      const spans = await receiver.waitFor((all) => all.some((s) => s.name === 'workflow.echo'))
      const run = spans.find((s) => s.name === 'workflow.echo')!
      expect(run.service).toBe('from-env')
      expect(spans.find((s) => s.name === 'job.__default__' || s.attributes['mc.span.kind'] === 'job')!.parentSpanId).toBe(run.spanId)
      expect(JSON.parse(String(run.attributes['model_compose.input']))).toEqual({ word: 'hi' })
      expect(receiver.refused).toBe(0)
      await langfuse.waitFor((all) => all.some((s) => s.name === 'echo'))
      expect(langfuse.refused).toBe(0)
      for (const headers of langfuse.headers) expect(headers['x-tenant']).toBeUndefined()
      expect(mc.logs()).toContain('tracing to OTEL_EXPORTER_OTLP_ENDPOINT')
      expect(mc.logs()).not.toContain(token)
    } finally {
      await mc.stop()
      receiver.stop()
      langfuse.stop()
    }
  })
})

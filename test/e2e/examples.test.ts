// Every example under examples/ loads, and runs: model examples on the fixtures,
// http-client examples against the local upstream (base URLs come from env).
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, runMc } from '../support/mc.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

let upstream: Upstream
beforeAll(() => {
  upstream = startUpstream()
})
afterAll(() => upstream.stop())

const examples = readdirSync(join(ROOT, 'examples'), { withFileTypes: true })
  .map((e) => join('examples', e.name, 'compose.yml'))
  .filter((file) => existsSync(join(ROOT, file)))

for (const file of examples) {
  test(file, async () => {
    const env = { OPENAI_BASE_URL: `${upstream.url}/v1`, ANTHROPIC_BASE_URL: `${upstream.url}/v1`, OPENAI_API_KEY: 'sk-x', ANTHROPIC_API_KEY: 'ant-x' }
    const validated = await runMc(['validate', '-f', file], { env })
    expect(validated.stdout).toStartWith('ok')
    // Several workflows over a store on disk: run end to end in rag-example.test.ts.
    if (file === join('examples', 'rag', 'compose.yml')) return
    const text = readFileSync(join(ROOT, file), 'utf8')
    const input = { prompt: 'Hello', text: '안녕하세요', message: 'Hello', model: 'claude', stream: true }
    const ran = await runMc(['run', '-f', file, '-i', JSON.stringify(input)], { env })
    expect(ran.stderr).not.toMatch(/error|warning/)
    expect(ran.code).toBe(0)
    expect(ran.stdout).toMatch(text.includes('type: model') ? /tok|ken/ : /You said:/)
  })
}

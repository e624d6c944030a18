// Every compose file in the seed, as written (only URLs and keys changed):
// those of the component types built so far load and run against the local upstream,
// models replaced by the tiny fixtures of the same shape (no model can be downloaded here).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import YAML from 'yaml'
import { join } from 'node:path'
import { composeDir, freePort, ROOT, runMc } from '../support/mc.ts'
import { codeBlocks } from '../support/seed.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

let upstream: Upstream
beforeAll(() => {
  upstream = startUpstream()
})
afterAll(() => upstream.stop())

const TOP_LEVEL = ['component', 'components', 'workflow', 'workflows']
/** Component types whose plugins are not built yet (they come with later issues). */
/** The guide's Hugging Face models, and the tiny local fixture of the same shape that stands in for each. */
const FIXTURES: Record<string, string> = {
  gpt2: 'tiny-gpt2',
  'microsoft/DialoGPT-medium': 'tiny-gpt2',
  'facebook/bart-large-cnn': 'tiny-bart',
  'Helsinki-NLP/opus-mt-ko-en': 'tiny-bart',
}
/** A managed server's start command (vllm serve ...) becomes the test server, on a free port. */
function localServers(text: string): string {
  const doc = YAML.parse(text) as Record<string, unknown>
  const component = doc.component as Record<string, unknown> | undefined
  if (component?.type !== 'http-server') return text
  const port = freePort()
  component.start = [process.execPath, join(ROOT, 'test/support/model-server.ts'), '--port', String(port)]
  component.port = port
  return YAML.stringify(doc)
}

const localModels = (text: string) =>
  text.replace(/^(\s*model:\s*)(\S+)\s*$/gm, (line, head: string, id: string) => (FIXTURES[id] ? `${head}${join(ROOT, 'test/fixtures/models', FIXTURES[id])}` : line))

const composeBlocks = codeBlocks('yaml')
  .map((text, index) => ({ text, index, doc: YAML.parse(text) as Record<string, unknown> }))
  .filter(({ doc }) => doc && TOP_LEVEL.some((k) => k in doc))

function types(doc: Record<string, unknown>): string[] {
  const list = [doc.component, ...((doc.components as unknown[]) ?? [])].filter(Boolean) as { type?: string }[]
  return list.map((c) => c.type ?? '')
}

describe('seed compose files', () => {
  test('the seed has compose files to check', () => {
    expect(composeBlocks.length).toBeGreaterThanOrEqual(10)
  })

  for (const { text, index, doc } of composeBlocks) {
    const title = `yaml block #${index} (${types(doc).join(', ')})`
    test(title, async () => {
      const local = localModels(localServers(text))
        .replaceAll('https://api.openai.com/v1', `${upstream.url}/v1`)
        .replaceAll('https://api.anthropic.com/v1', `${upstream.url}/v1`)
      const dir = composeDir({ 'compose.yml': local })
      const env = { OPENAI_API_KEY: 'sk-test', ANTHROPIC_API_KEY: 'ant-test' }
      const validated = await runMc(['validate'], { cwd: dir, env })
      expect(validated.stderr).toBe('')
      expect(validated.code).toBe(0)
      const base = { prompt: 'Hello', text: 'Hello', message: 'Hello' }
      const inputs = local.includes('input.model') ? [{ ...base, model: 'openai' }, { ...base, model: 'claude' }] : local.includes('input.stream') ? [{ ...base, stream: true }, { ...base, stream: false }] : [base]
      for (const input of inputs) {
        const result = await runMc(['run', '-i', JSON.stringify(input)], { cwd: dir, env })
        expect(result.stderr).not.toMatch(/\| (error|warning)/) // loads and server lines are reported, nothing else
        expect(result.code).toBe(0)
        if (types(doc).includes('model')) expect(result.stdout).toMatch(/tok|ken/) // the fixtures' words
        else if (types(doc).includes('http-server')) expect(result.stdout).toBe('You said: Hello\n')
        else if (local.includes('content: ${input.prompt as text}')) expect(result.stdout).toBe('You said: Hello\n')
        else expect(result.stdout).toContain('"object":"chat.completion.chunk"') // no output template: the raw chunks
      }
    })
  }
})

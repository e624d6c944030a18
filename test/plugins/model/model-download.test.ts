// Model ids are downloaded on first use, with progress, into the cache; offline
// runs use the cache. The Hub here is a local server (HF_ENDPOINT) serving the
// fixture files the way huggingface.co does: /{repo}/resolve/{revision}/{file}.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { composeDir, ROOT, runMc } from '../../support/mc.ts'

const MODELS = join(ROOT, 'test/fixtures/models')
let hub: ReturnType<typeof Bun.serve>
const requested: string[] = []

beforeAll(() => {
  hub = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch(request) {
      const path = decodeURIComponent(new URL(request.url).pathname)
      requested.push(path)
      // /test-org/tiny-gpt2/resolve/main/onnx/model.onnx → test/fixtures/models/tiny-gpt2/onnx/model.onnx
      const match = /^\/test-org\/([^/]+)\/resolve\/main\/(.+)$/.exec(path)
      // test-org/no-onnx: a PyTorch-only repo — the tiny-gpt2 files without onnx/.
      const [repo, name] = match?.[1] === 'no-onnx' ? (match[2]!.startsWith('onnx/') ? [] : ['tiny-gpt2', match[2]!]) : [match?.[1], match?.[2]]
      const file = repo && name ? Bun.file(join(MODELS, repo, name)) : undefined
      return file ? file.exists().then((ok) => (ok ? new Response(file) : new Response('Entry not found', { status: 404 }))) : new Response('not found', { status: 404 })
    },
  })
})
afterAll(() => hub.stop(true))

const compose = (model: string) => `component:\n  type: model\n  task: text-generation\n  model: ${model}\n  text: \${input.text}\n  params:\n    max_output_length: 12\n`

test('first use downloads each file once, with progress; offline runs then use the cache', async () => {
  const dir = composeDir({ 'compose.yml': compose('test-org/tiny-gpt2') })
  const env = { HF_ENDPOINT: `http://127.0.0.1:${hub.port}`, MC_CACHE_DIR: join(dir, 'cache') }
  const first = await runMc(['run', '-i', '{"text": "Hello to"}'], { cwd: dir, env })
  expect(first.stderr).toContain('downloading test-org/tiny-gpt2/onnx/model.onnx (0.3 MB)')
  expect(first.code).toBe(0)
  expect(first.stdout).toBe('ken token to\n')
  expect(existsSync(join(dir, 'cache/test-org/tiny-gpt2/onnx/model.onnx'))).toBe(true)
  const downloads = requested.filter((p) => p.endsWith('onnx/model.onnx')).length
  const offline = await runMc(['run', '-i', '{"text": "Hello to"}'], { cwd: dir, env: { ...env, MC_OFFLINE: '1' } })
  expect(offline.code).toBe(0)
  expect(offline.stdout).toBe('ken token to\n')
  expect(requested.filter((p) => p.endsWith('onnx/model.onnx')).length).toBe(downloads) // nothing fetched
})

test('a repo without ONNX weights says which conversion to use', async () => {
  // The fixture folder without its onnx/ files: config and tokenizer resolve, the weights 404.
  const dir = composeDir({ 'compose.yml': compose('test-org/no-onnx') })
  const env = { HF_ENDPOINT: `http://127.0.0.1:${hub.port}`, MC_CACHE_DIR: join(dir, 'cache') }
  const result = await runMc(['run', '-i', '{"text": "x"}'], { cwd: dir, env })
  expect(result.code).toBe(1)
  expect(result.stderr.trim().split('\n').at(-1)).toBe(
    'mc | error: model test-org/no-onnx has no ONNX weights (onnx/model.onnx); use an ONNX conversion, such as the Xenova/… or onnx-community/… repo of the same model',
  )
})

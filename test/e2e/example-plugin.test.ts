// examples/plugins/openai-embeddings, a third-party plugin written as an
// outside author writes one: its own build and tests pass, and its built
// bundle, copied alone beside a compose file, runs under `mc run`, `mc up` and
// the single executable, using the host's `mc/plugin` (never a copy of it).

import { afterAll, beforeAll, expect, test } from 'bun:test'
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { API_KEY, startEmbeddingsServer, vectorOf, type EmbeddingsServer } from '../../examples/plugins/openai-embeddings/test/embeddings-server.ts'
import { builtBinary } from '../support/binary.ts'
import { freePort, ROOT, runMc, startMc } from '../support/mc.ts'

const PLUGIN = join(ROOT, 'examples/plugins/openai-embeddings')
const BUNDLE = join(PLUGIN, 'dist/index.js')
const EXAMPLE = join(PLUGIN, 'compose.yml')
// Long enough for the example's text-splitter (chunks of 400 characters) to make several chunks.
const TEXT = Array.from({ length: 20 }, (_, i) => `Sentence number ${i} of a document about vectors.`).join(' ')

let server: EmbeddingsServer
const folders: string[] = []
beforeAll(async () => {
  server = startEmbeddingsServer()
  const build = await script('build')
  if (build.code !== 0) throw new Error(`bun run build failed (${build.code}):\n${build.output}`)
})
afterAll(() => {
  server.stop()
  for (const dir of folders) rmSync(dir, { recursive: true, force: true })
})

/** `bun run NAME` in the plugin's folder, as its author runs it. */
async function script(name: string) {
  const proc = Bun.spawn([process.execPath, 'run', name], { cwd: PLUGIN, stdout: 'pipe', stderr: 'pipe' })
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  return { code, output: stdout + stderr }
}

/** An empty temp folder holding only the built bundle (as dist/index.js) and a compose file. */
function pluginFolder(compose = readFileSync(EXAMPLE, 'utf8')): string {
  const dir = mkdtempSync(join(tmpdir(), 'mc-example-plugin-'))
  folders.push(dir)
  mkdirSync(join(dir, 'dist'))
  copyFileSync(BUNDLE, join(dir, 'dist/index.js'))
  writeFileSync(join(dir, 'compose.yml'), compose)
  return dir
}

const upstreamEnv = () => ({ OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEY: API_KEY })

/** The example's output: the chunks of TEXT and, for each, the vector the server computes from it. */
function expectEmbeddedChunks(output: { chunks: string[]; vectors: number[][]; usage: { total_tokens: number } }): void {
  expect(output.chunks.length).toBeGreaterThan(1)
  expect(output.usage.total_tokens).toBeGreaterThan(0) // a key besides the default output (resultKeys)
  expect(output.chunks.join(' ')).toContain('Sentence number 19 of a document')
  expect(output.vectors).toEqual(output.chunks.map((chunk) => vectorOf(chunk)))
}

test('the bundle its build script makes imports mc/plugin from the host and holds no copy of the API', () => {
  const bundle = readFileSync(BUNDLE, 'utf8')
  expect({
    importsMcPlugin: bundle.includes('from "mc/plugin"'),
    copiesConfigurationError: bundle.includes('class ConfigurationError'),
    copiesHttpError: bundle.includes('class HttpError'),
    copiesTypeBox: bundle.includes('sinclair/typebox'), // TypeBox comes from the host too
  }).toEqual({ importsMcPlugin: true, copiesConfigurationError: false, copiesHttpError: false, copiesTypeBox: false })
})

test('its own tests pass (bun run test in its folder: type check, build, bun test)', async () => {
  const { code, output } = await script('test')
  if (code !== 0) console.error(output)
  expect(code).toBe(0)
  expect(output).toContain(' 0 fail')
}, 60_000)

test('mc run: the example workflow splits a document and embeds the chunks through the plugin', async () => {
  const dir = pluginFolder()
  const result = await runMc(['run', '-f', 'compose.yml', '-i', JSON.stringify({ text: TEXT })], { cwd: dir, env: upstreamEnv() })
  expect(result.stderr).toBe('')
  expect(result.code).toBe(0)
  expectEmbeddedChunks(JSON.parse(result.stdout))
  // An upstream refusal is one line, exit 1, and the key it quotes is masked.
  const wrongKey = 'sk-wrong-key-abcdefghijklmnop'
  const refused = await runMc(['run', '-f', 'compose.yml', '-i', JSON.stringify({ text: TEXT })], { cwd: dir, env: { ...upstreamEnv(), OPENAI_API_KEY: wrongKey } })
  expect(refused.code).toBe(1)
  expect(refused.stderr).toBe(
    `mc | error: upstream POST ${server.baseUrl}/embeddings answered 401 Unauthorized: Incorrect API key provided: ***. You can find your API key at https://platform.openai.com/account/api-keys. (job embed, component embedder)\n`,
  )
})

test('mc up: the plugin serves the example workflow over HTTP', async () => {
  const port = freePort()
  const mc = await startMc(pluginFolder(), ['-f', 'compose.yml'], port, { ...upstreamEnv(), MC_PORT: String(port) })
  try {
    const response = await fetch(`${mc.url}/api/workflows/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: { text: TEXT }, output_only: true }),
    })
    expect(response.status).toBe(200)
    expectEmbeddedChunks((await response.json()) as Parameters<typeof expectEmbeddedChunks>[0])
  } finally {
    await mc.stop()
  }
})

test("a bad literal is placed at its file:line:col by the plugin's checkAction (the host's ConfigurationError)", async () => {
  const dir = pluginFolder(readFileSync(EXAMPLE, 'utf8').replace('batch_size: 64', 'batch_size: 0'))
  const line = readFileSync(join(dir, 'compose.yml'), 'utf8').split('\n').indexOf('    batch_size: 0') + 1
  const result = await runMc(['validate'], { cwd: dir, env: upstreamEnv() })
  expect(result.code).toBe(1)
  expect(result.stderr).toBe(`mc | error: compose.yml:${line}:17: components[1].batch_size: expected a whole number, 1 or more, got 0\n`)
})

test('the single executable runs the bundle from an empty folder with a bare environment', async () => {
  const binary = await builtBinary()
  const dir = pluginFolder()
  cpSync(binary, join(dir, 'mc'))
  mkdirSync(join(dir, 'home'))
  const proc = Bun.spawn([join(dir, 'mc'), 'run', '-f', 'compose.yml', '-i', JSON.stringify({ text: TEXT })], {
    cwd: dir,
    env: { HOME: join(dir, 'home'), PATH: '/nonexistent', ...upstreamEnv() },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  expect(stderr).toBe('')
  expect(code).toBe(0)
  expectEmbeddedChunks(JSON.parse(stdout))
}, 300_000)

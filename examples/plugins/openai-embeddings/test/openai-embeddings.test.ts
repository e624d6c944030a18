// The plugin's own tests, as its author runs them: the plugin object called
// directly against a local OpenAI-compatible server (embeddings-server.ts),
// then the built bundle run by mc itself (the `mc` devDependency).

import { afterAll, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { ConfigurationError, HttpError, type Logger } from 'mc/plugin'
import plugin from '../src/index.ts'
import type { Action, Settings } from '../src/schema.ts'
import { API_KEY, MODELS, startEmbeddingsServer, vectorOf } from './embeddings-server.ts'

const server = startEmbeddingsServer()
afterAll(() => server.stop())

const silent: Logger = { info() {}, warn() {}, error() {}, debug() {}, child: () => silent }

function component(settings: Partial<Settings> = {}) {
  const instance = plugin.create({ base_url: server.baseUrl, api_key: API_KEY, ...settings }, {
    id: 'embed',
    log: silent,
    env: {},
    baseDir: import.meta.dir,
    runWorkflow: () => Promise.reject(new Error('no workflows here')),
    runComponent: () => Promise.reject(new Error('no other components here')),
    workflowTool: () => {
      throw new Error('no workflows here')
    },
  })
  // Actions as mc hands them over: rendered, so not necessarily of the schema's types.
  return (action: Record<string, unknown>, signal = new AbortController().signal) =>
    instance.run({ model: 'text-embedding-3-small', ...action } as Action, { signal, log: silent, input: {} })
}

/** The error a run fails with. */
async function failure(run: Promise<unknown>): Promise<HttpError> {
  const error = await run.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(HttpError)
  return error as HttpError
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await Bun.sleep(10)
}

test('a text gives one vector; the request asks for floats with the key, and usage and model come back', async () => {
  const before = server.requests.length
  const answer = await component()({ input: 'hello world' })
  expect(answer).toEqual({ result: vectorOf('hello world'), usage: { prompt_tokens: 2, total_tokens: 2 }, model: 'text-embedding-3-small-v1' })
  const [request] = server.requests.slice(before)
  expect(request!.body).toEqual({ model: 'text-embedding-3-small', input: 'hello world', encoding_format: 'float' })
  expect(request!.headers.get('authorization')).toBe(`Bearer ${API_KEY}`)
})

test('a list gives a list of vectors in the order of the texts (the server lists them in reverse, with their index)', async () => {
  const texts = ['one', 'two', 'three']
  const answer = await component()({ input: texts })
  expect(answer.result).toEqual(texts.map((text) => vectorOf(text)))
})

test('batch_size sends a long list in requests of that many texts; vectors stay in order, usage is summed', async () => {
  const before = server.requests.length
  const texts = ['a', 'b c', 'd', 'e f g', 'h']
  const answer = await component()({ input: texts, batch_size: 2 })
  expect(answer.result).toEqual(texts.map((text) => vectorOf(text)))
  expect(server.requests.slice(before).map((request) => request.body.input)).toEqual([['a', 'b c'], ['d', 'e f g'], ['h']])
  expect(answer.usage).toEqual({ prompt_tokens: 3 + 4 + 1, total_tokens: 3 + 4 + 1 })
})

test('dimensions is passed on and numeric text from a form is accepted; an empty list needs no request', async () => {
  const before = server.requests.length
  const answer = await component()({ input: ['x', 'y'], dimensions: '5' })
  expect(answer.result).toEqual([vectorOf('x', 5), vectorOf('y', 5)])
  expect(server.requests.at(-1)!.body.dimensions).toBe(5)
  expect((await component()({ input: [] })).result).toEqual([])
  expect(server.requests.length).toBe(before + 1)
})

test('settings headers are sent, and base_url keeps its query (Azure-style api-version)', async () => {
  const run = component({ base_url: `${server.baseUrl}?api-version=2024-10-21`, headers: { 'OpenAI-Organization': 'org-1', 'X-Unset': null } })
  await run({ input: 'x' })
  const { url, headers } = server.requests.at(-1)!
  expect(url).toBe(`${server.baseUrl}/embeddings?api-version=2024-10-21`)
  expect(headers.get('openai-organization')).toBe('org-1')
  expect(headers.has('x-unset')).toBe(false)
})

test("an upstream error answer is a 502 with the upstream's own message, and never the key", async () => {
  const wrongKey = 'sk-wrong-abcdefghijklmnop'
  const error = await failure(component({ api_key: wrongKey })({ input: 'x' }))
  expect(error.status).toBe(502)
  expect(error.message).toStartWith(`upstream POST ${server.baseUrl}/embeddings answered 401 Unauthorized: Incorrect API key provided: ***.`)
  expect(error.message).not.toContain(wrongKey)
  const unknown = await failure(component()({ model: MODELS.unknown, input: 'x' }))
  expect(unknown.message).toEndWith('answered 404 Not Found: The model `no-such-model` does not exist or you do not have access to it.')
})

test('an answer that is not embeddings is a 502 saying what is wrong, in one line', async () => {
  const run = component({ max_response_bytes: 64 * 1024 })
  const cases: [string, string][] = [
    [MODELS.noData, 'no "data" list'],
    [MODELS.short, '1 embeddings for 2 texts'],
    [MODELS.base64, 'the embedding of text 1 is not a list of numbers (got "AACAPwAAAEA=")'],
    [MODELS.notJson, 'the body is not JSON (<html><body>502 Bad Gateway</body></html>)'],
  ]
  for (const [model, why] of cases) {
    const error = await failure(run({ model, input: ['a', 'b'] }))
    expect(error.status).toBe(502)
    expect(error.message).toBe(`upstream POST ${server.baseUrl}/embeddings did not answer with embeddings: ${why}`)
  }
  const huge = await failure(run({ model: MODELS.huge, input: 'a' }))
  expect(huge.message).toContain('answered with more than 65536 bytes (max_response_bytes)')
})

test('no answer within timeout is a 504, head or body, and the request is closed', async () => {
  const run = component({ timeout: '300ms' })
  for (const model of [MODELS.hang, MODELS.stallBody]) {
    const cancelled = server.cancelled()
    const error = await failure(run({ model, input: 'x' }))
    expect(error.status).toBe(504)
    expect(error.message).toBe(`upstream POST ${server.baseUrl}/embeddings did not answer within 0.3s`)
    if (model === MODELS.hang) await until(() => server.cancelled() > cancelled)
  }
})

test("the run's AbortSignal cancels the request in flight", async () => {
  const cancelled = server.cancelled()
  const before = server.requests.length
  const controller = new AbortController()
  const running = component()({ model: MODELS.hang, input: 'x' }, controller.signal)
  await until(() => server.requests.length > before)
  const reason = new Error('the client went away')
  controller.abort(reason)
  expect(await running.catch((e: unknown) => e)).toBe(reason)
  await until(() => server.cancelled() > cancelled)
})

test('a rendered value the plugin cannot use is a 422 naming the key; a literal one is a ConfigurationError at load', async () => {
  const run = component()
  const cases: [Record<string, unknown>, string][] = [
    [{ input: ['a', 7] }, 'input[1]: expected text, got 7'],
    [{ input: { text: 'a' } }, 'input: expected a text or a list of texts, got {"text":"a"}'],
    [{ input: 'a', batch_size: 0 }, 'batch_size: expected a whole number, 1 or more, got 0'],
    [{ input: 'a', dimensions: 'many' }, 'dimensions: expected a whole number, 1 or more, got "many"'],
  ]
  for (const [action, message] of cases) {
    const error = await failure(run(action))
    expect([error.status, error.message]).toEqual([422, message])
  }
  const loadError = (check: () => void) => {
    try {
      check()
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError)
      return { message: (error as ConfigurationError).message, path: (error as ConfigurationError).path }
    }
  }
  const checkAction = (action: Record<string, unknown>) => () => plugin.checkAction!({ model: 'm', input: 'x', ...action } as Action, { base_url: server.baseUrl })
  expect(loadError(checkAction({ batch_size: 0 }))).toEqual({ message: 'expected a whole number, 1 or more, got 0', path: ['batch_size'] })
  expect(loadError(checkAction({ input: ['a', 1] }))).toEqual({ message: 'expected text, got 1', path: ['input', 1] })
  expect(loadError(checkAction({ batch_size: '${input.n}', input: '${input.texts}' }))).toBeUndefined()
  expect(loadError(() => plugin.checkSettings!({ base_url: 'localhost:11434' }))).toEqual({
    message: 'expected an http(s) URL, e.g. https://api.openai.com/v1, got "localhost:11434"',
    path: ['base_url'],
  })
})

test('mc runs the built bundle from a compose file', async () => {
  const bundle = join(import.meta.dir, '../dist/index.js')
  if (!existsSync(bundle)) throw new Error('dist/index.js is missing: run `bun run build` first')
  const mcMain = join(dirname(Bun.resolveSync('mc/package.json', import.meta.dir)), 'cli/main.ts')
  const dir = mkdtempSync(join(tmpdir(), 'openai-embeddings-'))
  try {
    writeFileSync(
      join(dir, 'compose.yml'),
      `plugins: [${JSON.stringify(bundle)}]
component:
  type: openai-embeddings
  base_url: \${env.OPENAI_BASE_URL}
  api_key: \${env.OPENAI_API_KEY}
  model: text-embedding-3-small
  input: \${input.texts}
  batch_size: 2
`,
    )
    const texts = ['a', 'bb', 'ccc']
    const proc = Bun.spawn([process.execPath, mcMain, 'run', '-f', 'compose.yml', '-i', JSON.stringify({ texts })], {
      cwd: dir,
      env: { ...process.env, OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEY: API_KEY },
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toEqual(texts.map((text) => vectorOf(text)))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

// The seed (test/fixtures/seed/streaming-mode.zh-cn.md) against `mc up`: its client
// snippets run as written — only the URL changed — against the seed's §11.3.1
// config (examples/streaming-chat) pointed at the local upstream.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { composeDir, freePort, ROOT, startMc, type McProcess } from '../support/mc.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'
import { requirementMet } from '../support/requirements.ts'
import { codeBlocks } from '../support/seed.ts'

let upstream: Upstream
let mc: McProcess
let port: number

beforeAll(async () => {
  upstream = startUpstream({ delayMs: 80 })
  port = freePort()
  mc = await startMc(ROOT, ['-f', 'examples/streaming-chat/compose.yml'], port, {
    OPENAI_BASE_URL: `${upstream.url}/v1`,
    OPENAI_API_KEY: 'sk-seed-test',
    MC_PORT: String(port),
  })
})
afterAll(async () => {
  await mc?.stop()
  upstream?.stop()
})

const EXPECTED_TOKENS = ['You', ' said:', ' Hello']
const localize = (code: string) => code.replaceAll('http://localhost:8080', `http://127.0.0.1:${port}`)

/** A python3 that has `requests` (and, when asked, aiohttp): the PATH one, or Debian's. */
function python(module: string): string | undefined {
  for (const candidate of ['python3', '/usr/bin/python3']) {
    const probe = Bun.spawnSync([candidate, '-c', `import ${module}`])
    if (probe.exitCode === 0) return candidate
  }
  return undefined
}

/** Runs a program, recording when each piece of its stdout arrived. */
async function timedOutput(argv: string[], cwd = ROOT) {
  const proc = Bun.spawn(argv, { cwd, stdout: 'pipe', stderr: 'pipe' })
  const pieces: { at: number; text: string }[] = []
  const decoder = new TextDecoder()
  for await (const chunk of proc.stdout as ReadableStream<Uint8Array>) pieces.push({ at: performance.now(), text: decoder.decode(chunk) })
  const stderr = await new Response(proc.stderr).text()
  const code = await proc.exited
  return { code, stderr, text: pieces.map((p) => p.text).join(''), pieces }
}

/** The tokens must show up one after another (~80 ms apart upstream), not all at once at the end. */
function expectProgressive(pieces: { at: number }[]) {
  expect(pieces.length).toBeGreaterThanOrEqual(2)
  expect(pieces.at(-1)!.at - pieces[0]!.at).toBeGreaterThan(100)
}

describe('seed clients, as written', () => {
  const curl = Bun.which('curl') !== null
  if (requirementMet('curl', curl, 'curl', 'apt-get install curl')) test('curl -N (§11.4.1, comments in the JSON body and all)', async () => {
    const [curl] = codeBlocks('bash').filter((b) => b.includes('"Write a story"'))
    const script = localize(curl!).replace('curl -X POST', 'curl -sN -X POST')
    const result = await timedOutput(['bash', '-c', script])
    expect(result.code).toBe(0)
    expect(result.text.replace(/^id: .*\n/gm, '')).toBe('data: You\n\ndata:  said:\n\ndata:  Write\n\ndata:  a\n\ndata:  story\n\n')
    expectProgressive(result.pieces)
  })

  const pythonClients: [string, string, (block: string) => boolean][] = [
    ['requests', 'Python requests (§11.4.3)', (b) => b.includes('import requests')],
    ['aiohttp', 'Python aiohttp (§11.4.3)', (b) => b.includes('import aiohttp') && b.includes('stream_workflow')],
  ]
  for (const [module, name, pick] of pythonClients) {
    const interpreter = python(module)
    if (!requirementMet('python', interpreter !== undefined, `python3 with the ${module} module`, `apt-get install python3-${module}`)) continue
    test(name, async () => {
      const [code] = codeBlocks('python').filter(pick)
      const file = join(composeDir({}), 'client.py')
      writeFileSync(file, localize(code!))
      const result = await timedOutput([interpreter!, '-u', file])
      expect(result.stderr).toBe('')
      expect(result.text).toBe(EXPECTED_TOKENS.join(''))
      expectProgressive(result.pieces)
    })
  }

  test('JavaScript fetch (§11.4.2)', async () => {
    const [code] = codeBlocks('javascript').filter((b) => b.includes('getReader'))
    const dir = composeDir({})
    const file = join(dir, 'client.mjs')
    // The snippet writes into a page; a stand-in `document` records what it writes.
    // console.log (the snippet logs each chunk) goes to stderr, the page's text to stdout.
    writeFileSync(file, `console.log = (...a) => process.stderr.write(a.join(' ') + '\\n')\nglobalThis.document = { getElementById: () => ({ set textContent(v) { process.stdout.write(v.slice(this.t.length)); this.t = v }, get textContent() { return this.t }, t: '' }) }\nconst el = document.getElementById('output')\ndocument.getElementById = () => el\n${localize(code!)}`)
    const result = await timedOutput([process.execPath, file])
    expect(result.stderr).toBe(EXPECTED_TOKENS.map((t) => `Chunk: ${t}\n`).join(''))
    expect(result.text).toBe(EXPECTED_TOKENS.join(''))
    expectProgressive(result.pieces)
  })

  test('EventSource with POST options (§11.4.2), through an EventSource polyfill that takes them', async () => {
    const [code] = codeBlocks('javascript').filter((b) => b.includes('new EventSource'))
    const dir = composeDir({})
    const file = join(dir, 'client.mjs')
    const polyfill = join(ROOT, 'node_modules/launchdarkly-eventsource/lib/eventsource.js')
    writeFileSync(
      file,
      `import { createRequire } from 'node:module'\nconst require = createRequire(${JSON.stringify(join(ROOT, 'package.json'))})\nconst { EventSource } = require(${JSON.stringify(polyfill)})\n` +
        `console.log = (...a) => process.stderr.write(a.join(' ') + '\\n')\nlet text = ''\nglobalThis.document = { getElementById: () => ({ get textContent() { return text }, set textContent(v) { process.stdout.write(v.slice(text.length)); text = v } }) }\n` +
        `${localize(code!)}\nconst close = eventSource.close.bind(eventSource)\nsetTimeout(() => { close(); process.exit(0) }, 2000)\n`,
    )
    const result = await timedOutput([process.execPath, file])
    // EventSource reconnects when a stream ends (that is the API's nature); the first round is the answer.
    expect(result.text.startsWith(EXPECTED_TOKENS.join(''))).toBe(true)
    expect(result.stderr.startsWith(EXPECTED_TOKENS.map((t) => `Received: ${t}\n`).join(''))).toBe(true)
  })
})

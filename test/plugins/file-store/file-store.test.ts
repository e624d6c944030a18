// The file-store component on driver local, run by `mc up` and called over
// HTTP (the compose file is the reference's basic configuration,
// reference/components/file-store.md of 0.4.92, with one action a method):
// put, get, exists, list and delete, answered as model-compose answers; then
// hostile paths — "..", absolute ones, symbolic links planted in the folder —
// which never read or write outside the base folder; size bounds that leave
// nothing half written; cloud drivers refused by name.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { callWorkflow, composeDir, freePort, type McProcess, runMc, startMc } from '../../support/mc.ts'

const ACTIONS: Record<string, string> = {
  put: 'method: put\n        path: ${input.path}\n        source: ${input.file}\n        content_type: ${input.content_type}',
  get: 'method: get\n        path: ${input.path}',
  stream: 'method: get\n        path: ${input.path}\n        streaming: true\n        chunk_size: 4',
  save: 'method: get\n        path: ${input.path}\n        save_to: ${input.save_to}',
  delete: 'method: delete\n        path: ${input.path}',
  exists: 'method: exists\n        path: ${input.path}',
  list: 'method: list\n        path: ${input.path}\n        recursive: ${input.recursive}\n        pattern: ${input.pattern}\n        max_result_count: ${input.max}\n        next_token: ${input.next}',
}

const COMPOSE = (port: number, driver = 'driver: local') => `
controller:
  type: http-server
  port: ${port}
  base_path: /api
workflows:
${Object.keys(ACTIONS).map((id) => `  - id: ${id}\n    job:\n      component: files\n      action: ${id}\n      input: \${input}${id === 'stream' ? '\n      output: ${output.content}' : ''}`).join('\n')}
components:
  - id: files
    type: file-store
    ${driver}
    base_path: ./storage
    actions:
${Object.entries(ACTIONS).map(([id, keys]) => `      - id: ${id}\n        ${keys}`).join('\n')}
`

/** The SSE data of a streaming get of `path`. */
async function streamed(mc: McProcess, path: string): Promise<string[]> {
  const response = await fetch(`${mc.api}/workflows/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workflow_id: 'stream', input: { path }, wait_for_completion: true, output_only: true }),
  })
  expect(response.headers.get('content-type')).toStartWith('text/event-stream')
  return (await response.text()).split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6))
}

const base64 = (text: string) => Buffer.from(text).toString('base64')

describe('driver local', () => {
  let dir: string
  let storage: string
  let outside: string
  let mc: McProcess
  beforeAll(async () => {
    const port = freePort()
    dir = composeDir({ 'model-compose.yml': COMPOSE(port) })
    storage = join(dir, 'storage')
    outside = join(dir, 'outside')
    mkdirSync(outside)
    writeFileSync(join(outside, 'secret.txt'), 'TOP SECRET')
    mc = await startMc(dir, [], port, { MC_FILE_STORE_MAX_BYTES: '1KiB', MC_FILE_STORE_MAX_LIST: '10' })
  })
  afterAll(() => mc?.stop())

  test('put, get, exists, list and delete answer as model-compose does', async () => {
    const put = await callWorkflow(mc, 'put', { path: 'notes/a.txt', file: 'hello file' })
    expect(put.status).toBe(200)
    expect(put.body).toEqual({ path: 'notes/a.txt', url: `file://${storage}/notes/a.txt`, size: 10, content_type: 'text/plain' })
    expect(readFileSync(join(storage, 'notes/a.txt'), 'utf8')).toBe('hello file')
    const got = (await callWorkflow(mc, 'get', { path: 'notes/a.txt' })).body
    expect(got).toMatchObject({ path: 'notes/a.txt', size: 10, content_type: 'text/plain', content: base64('hello file') })
    expect(Date.parse(got.modified_at)).toBeGreaterThan(0)
    expect((await callWorkflow(mc, 'exists', { path: ['notes/a.txt', 'notes/none.txt'] })).body).toEqual([
      { path: 'notes/a.txt', exists: true },
      { path: 'notes/none.txt', exists: false },
    ])
    await callWorkflow(mc, 'put', { path: 'notes/b.json', file: '{"b": 1}', content_type: 'application/x-mine' })
    await callWorkflow(mc, 'put', { path: 'top.md', file: '# top' })
    const top = (await callWorkflow(mc, 'list', {})).body
    expect(top.items.map((item: any) => item.path)).toEqual(['top.md'])
    const all = (await callWorkflow(mc, 'list', { recursive: true })).body
    expect(all).toMatchObject({ count: 3, next_token: null })
    expect(all.items.map((item: any) => [item.path, item.content_type])).toEqual([
      ['notes/a.txt', 'text/plain'],
      ['notes/b.json', 'application/json'],
      ['top.md', 'text/markdown'],
    ])
    expect((await callWorkflow(mc, 'list', { path: 'notes', pattern: 'notes/*.json' })).body.items.map((item: any) => item.path)).toEqual(['notes/b.json'])
    expect((await callWorkflow(mc, 'delete', { path: 'top.md' })).body).toEqual({ path: 'top.md' })
    expect(existsSync(join(storage, 'top.md'))).toBe(false)
  })

  test('a list is given a page at a time: max_result_count, then next_token', async () => {
    for (const name of ['p1', 'p2', 'p3']) await callWorkflow(mc, 'put', { path: `pages/${name}`, file: name })
    const first = (await callWorkflow(mc, 'list', { path: 'pages', max: 2 })).body
    expect(first.items.map((item: any) => item.path)).toEqual(['pages/p1', 'pages/p2'])
    const second = (await callWorkflow(mc, 'list', { path: 'pages', max: 2, next: first.next_token })).body
    expect(second).toMatchObject({ count: 1, next_token: null })
    expect(second.items[0].path).toBe('pages/p3')
  })

  test('an uploaded file is stored byte for byte', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 251, 252, 253, 254, 255])
    const form = new FormData()
    form.set('workflow_id', 'put')
    form.set('input[path]', 'bin/data.bin')
    form.set('input[file]', new Blob([bytes]), 'data.bin')
    form.set('wait_for_completion', 'true')
    form.set('output_only', 'true')
    const response = await fetch(`${mc.api}/workflows/runs`, { method: 'POST', body: form })
    expect(response.status).toBe(200)
    expect(new Uint8Array(readFileSync(join(storage, 'bin/data.bin')))).toEqual(bytes)
    expect((await callWorkflow(mc, 'get', { path: 'bin/data.bin' })).body.content).toBe(Buffer.from(bytes).toString('base64'))
  })

  test('a streaming get gives the file chunk by chunk (chunk_size bytes), over SSE', async () => {
    await callWorkflow(mc, 'put', { path: 'stream.txt', file: 'hello streaming world' })
    expect(await streamed(mc, 'stream.txt')).toEqual(['hell', 'o st', 'ream', 'ing ', 'worl', 'd'])
  })

  test.each([
    ['../outside/secret.txt', '".." is not allowed'],
    ['notes/../../outside/secret.txt', '".." is not allowed'],
    ['/etc/passwd', 'is absolute'],
    ['~/x', 'is absolute'],
    ['..\\outside\\secret.txt', 'use "/" between folders'],
    ['', 'empty'],
  ])('path %j: 422, nothing read or written outside', async (path, message) => {
    for (const workflow of ['get', 'put', 'delete', 'exists']) {
      const { status, body } = await callWorkflow(mc, workflow, { path, file: 'overwritten' })
      expect(status).toBe(422)
      expect(body.detail).toContain(message)
    }
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('TOP SECRET')
  })

  test('symbolic links planted in the folder are never followed, to read, write, list or save to', async () => {
    mkdirSync(storage, { recursive: true })
    symlinkSync(join(outside, 'secret.txt'), join(storage, 'link.txt'))
    symlinkSync(outside, join(storage, 'linkdir'))
    for (const [workflow, input] of [
      ['get', { path: 'link.txt' }],
      ['get', { path: 'linkdir/secret.txt' }],
      ['stream', { path: 'link.txt' }],
      ['put', { path: 'link.txt', file: 'overwritten' }],
      ['put', { path: 'linkdir/secret.txt', file: 'overwritten' }],
      ['put', { path: 'linkdir/new.txt', file: 'planted' }],
      ['list', { path: 'linkdir' }],
      ['save', { path: 'notes/a.txt', save_to: 'linkdir/copy.txt' }],
      ['save', { path: 'notes/a.txt', save_to: '../outside/copy.txt' }],
    ] as const) {
      const { status, body } = await callWorkflow(mc, workflow, input)
      expect([status, workflow]).toEqual([422, workflow])
      expect(body.detail).toMatch(/symbolic link|"\.\." is not allowed/)
    }
    expect(readdirSync(outside)).toEqual(['secret.txt'])
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('TOP SECRET')
    // A recursive list skips the links: neither listed nor entered.
    const listed = (await callWorkflow(mc, 'list', { recursive: true })).body.items.map((item: any) => item.path)
    expect(listed.some((path: string) => path.startsWith('link'))).toBe(false)
  })

  test('save_to copies a file inside the store', async () => {
    const { status, body } = await callWorkflow(mc, 'save', { path: 'notes/a.txt', save_to: 'copies/a.txt' })
    expect(status).toBe(200)
    expect(body).toMatchObject({ path: 'notes/a.txt', save_to: 'copies/a.txt', size: 10 })
    expect(readFileSync(join(storage, 'copies/a.txt'), 'utf8')).toBe('hello file')
  })

  test('past MC_FILE_STORE_MAX_BYTES: a put is refused with 413 and leaves nothing; a big file is read by streaming', async () => {
    const { status, body } = await callWorkflow(mc, 'put', { path: 'big/too-big.txt', file: 'x'.repeat(2000) })
    expect(status).toBe(413)
    expect(body.detail).toContain('MC_FILE_STORE_MAX_BYTES')
    expect(readdirSync(join(storage, 'big'))).toEqual([])
    writeFileSync(join(storage, 'big/placed.txt'), 'y'.repeat(2000))
    const whole = await callWorkflow(mc, 'get', { path: 'big/placed.txt' })
    expect(whole.status).toBe(413)
    expect(whole.body.detail).toContain('get it with streaming: true')
    expect((await streamed(mc, 'big/placed.txt')).join('')).toBe('y'.repeat(2000))
    expect((await callWorkflow(mc, 'list', { max: 11 })).body.detail).toContain('max_result_count: expected a whole number of files, 1 to 10')
  })

  test('a file that is not there: 404 naming it', async () => {
    const { status, body } = await callWorkflow(mc, 'get', { path: 'nowhere.txt' })
    expect(status).toBe(404)
    expect(body.detail).toBe('path: no file "nowhere.txt" in the store (component files)')
  })
})

test('cloud drivers are refused by name at load, naming the line', async () => {
  for (const driver of ['aws-s3', 'gcp-storage', 'azure-blob']) {
    const result = await runMc(['run', 'exists', '-i', '{"path":"x"}'], { cwd: composeDir({ 'model-compose.yml': COMPOSE(freePort(), `driver: ${driver}\n    bucket: b`) }) })
    expect(result.code).not.toBe(0)
    expect(result.stderr).toMatch(/model-compose\.yml:\d+:\d+/)
    expect(result.stderr).toContain(`"${driver}" is a model-compose file-store driver that mc does not have (mc has: local)`)
  }
})

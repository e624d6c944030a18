// `webui.driver: static` against path tricks (issue 7, finding 8): a file is
// served only when its real location (symlinks resolved) lies inside
// static_dir; paths that do not decode are 400s with a JSON detail.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { composeDir, freePort, startMc, type McProcess } from '../support/mc.ts'

let mc: McProcess
let ui: string
let uiPort: number

beforeAll(async () => {
  const port = freePort()
  uiPort = freePort()
  const dir = composeDir({
    'compose.yml': `controller:\n  port: ${port}\n  webui:\n    driver: static\n    port: ${uiPort}\n    static_dir: www\ncomponent:\n  type: shell\n  command: [echo, hi]\n`,
  })
  mkdirSync(join(dir, 'www/docs'), { recursive: true })
  mkdirSync(join(dir, 'www-private'))
  writeFileSync(join(dir, 'www/index.html'), '<h1>home</h1>')
  writeFileSync(join(dir, 'www/docs/index.html'), '<h1>docs</h1>')
  writeFileSync(join(dir, 'www/notes.txt'), 'public notes')
  writeFileSync(join(dir, 'www-private/secret.txt'), 'TOP SECRET')
  symlinkSync(join(dir, 'www-private/secret.txt'), join(dir, 'www/escape.txt'))
  symlinkSync(join(dir, 'www-private'), join(dir, 'www/private-dir'))
  symlinkSync(join(dir, 'www/notes.txt'), join(dir, 'www/alias.txt'))
  mc = await startMc(dir, [], port)
  ui = `http://127.0.0.1:${uiPort}`
})
afterAll(async () => {
  await mc.stop()
})

/** The status line and body for a path sent exactly as given (no client-side normalisation). */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let answer = ''
    const socket = connect(uiPort, '127.0.0.1', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`))
    socket.on('data', (data) => (answer += data))
    socket.on('error', reject)
    socket.on('end', () => resolve({ status: Number(answer.split(' ')[1]), body: answer.slice(answer.indexOf('\r\n\r\n') + 4) }))
  })
}

test('files inside static_dir are served, folders by their index.html, symlinks that stay inside too', async () => {
  expect(await (await fetch(`${ui}/`)).text()).toBe('<h1>home</h1>')
  expect(await (await fetch(`${ui}/docs/`)).text()).toBe('<h1>docs</h1>')
  expect(await (await fetch(`${ui}/docs`)).text()).toBe('<h1>docs</h1>')
  expect(await (await fetch(`${ui}/notes.txt`)).text()).toBe('public notes')
  expect(await (await fetch(`${ui}/alias.txt`)).text()).toBe('public notes')
})

test('nothing outside static_dir: encoded dot-dot, a sibling with the same prefix, symlinks out', async () => {
  for (const path of ['/..%2fwww-private/secret.txt', '/%2e%2e%2fwww-private%2fsecret.txt', '/../www-private/secret.txt', '/escape.txt', '/private-dir/secret.txt']) {
    const answer = await rawGet(path)
    expect(answer.body).not.toContain('TOP SECRET')
    expect([400, 404]).toContain(answer.status)
    expect(JSON.parse(answer.body)).toHaveProperty('detail')
  }
})

test('a path that does not decode, or holds a NUL, is a 400 with a JSON detail, not a 500', async () => {
  const broken = await rawGet('/%E0%A4%A')
  expect(broken).toEqual({ status: 400, body: JSON.stringify({ detail: 'the path is not valid percent-encoded UTF-8' }) })
  const nul = await rawGet('/index.html%00.png')
  expect(nul).toEqual({ status: 400, body: JSON.stringify({ detail: 'the path holds a NUL character' }) })
})

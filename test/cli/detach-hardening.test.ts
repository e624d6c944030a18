// `mc up -d` and its companions (issue 18, points 8 to 10): what `.mc/` lets
// others read, where `-e` secrets end up, which process `mc down` signals, a
// log that stays within its size, and a start that fails saying why.
import { afterEach, describe, expect, test } from 'bun:test'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { composeDir, freePort, MC, runMc } from '../support/mc.ts'

const SECRET = 'sk-detach-secret-5150'
const ISO_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /

/** A compose file on `port` whose one workflow runs `command` (a list) through `shell`. */
const compose = (port: number, command = '[printf, ok]') => `controller:\n  port: ${port}\ncomponent:\n  type: shell\n  command: ${command}\n  output: \${stdout}\nworkflow:\n  output: \${output}\n`

const modeOf = (path: string) => statSync(path).mode & 0o777
const statePid = (dir: string) => (JSON.parse(readFileSync(join(dir, '.mc/state.json'), 'utf8')) as { pid: number }).pid
const commandLine = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')
const startTime = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19])
const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

// Whatever a test left running in the background is stopped.
const started: string[] = []
afterEach(async () => {
  for (const dir of started.splice(0)) await runMc(['down'], { cwd: dir })
})

async function up(dir: string, args: string[] = []) {
  started.push(dir)
  return runMc(['up', '-d', ...args], { cwd: dir })
}

describe('.mc is private', () => {
  test('0700 folder, 0600 files, even under umask 000 and over an older world-readable .mc', async () => {
    const port = freePort()
    const dir = composeDir({ 'compose.yml': compose(port) })
    mkdirSync(join(dir, '.mc'), { mode: 0o777 })
    chmodSync(join(dir, '.mc'), 0o777)
    writeFileSync(join(dir, '.mc/mc.log'), 'an older log\n', { mode: 0o666 })
    chmodSync(join(dir, '.mc/mc.log'), 0o666)
    started.push(dir)
    const proc = Bun.spawn(['sh', '-c', 'umask 000 && exec "$@"', 'sh', ...MC, 'up', '-d'], { cwd: dir, stdout: 'pipe', stderr: 'pipe' })
    expect(await proc.exited).toBe(0)
    expect(modeOf(join(dir, '.mc'))).toBe(0o700)
    expect(modeOf(join(dir, '.mc/mc.log'))).toBe(0o600)
    expect(modeOf(join(dir, '.mc/state.json'))).toBe(0o600)
  })
})

describe('-e values', () => {
  test('are not on the background mc command line, and mc start applies them again', async () => {
    const port = freePort()
    const dir = composeDir({ 'compose.yml': compose(port) })
    const api = `http://127.0.0.1:${port}/api/workflows`
    const authorized = { headers: { authorization: `Bearer ${SECRET}` } }
    expect((await up(dir, ['-e', `MC_API_KEY=${SECRET}`])).code).toBe(0)
    expect(commandLine(statePid(dir))).not.toContain(SECRET)
    expect((await fetch(api)).status).toBe(401)
    expect((await fetch(api, authorized)).status).toBe(200)

    expect((await runMc(['stop'], { cwd: dir })).code).toBe(0)
    expect((await runMc(['start'], { cwd: dir })).code).toBe(0)
    expect(commandLine(statePid(dir))).not.toContain(SECRET)
    expect((await fetch(api)).status).toBe(401)
    expect((await fetch(api, authorized)).status).toBe(200)
  })
})

describe('mc down / stop and a reused pid', () => {
  test('a process that now holds the recorded pid is left alone', async () => {
    const dir = composeDir({ 'compose.yml': compose(freePort()) })
    const other = Bun.spawn(['sleep', '30'])
    try {
      const state = (record: object) => {
        mkdirSync(join(dir, '.mc'), { recursive: true })
        writeFileSync(join(dir, '.mc/state.json'), JSON.stringify({ pid: other.pid, env: [], cwd: dir, url: 'http://127.0.0.1:1/api', ...record }))
      }
      // Its arguments match, but it started after the recorded process: another process with that pid.
      state({ startTime: startTime(other.pid) - 1, argv: ['30'] })
      const stop = await runMc(['stop'], { cwd: dir })
      expect(stop.stdout).toBe(`mc is not running (its pid ${other.pid} now belongs to another process, left alone)\n`)
      // Same start time, but not the command mc started.
      state({ startTime: startTime(other.pid), argv: ['up'] })
      const down = await runMc(['down'], { cwd: dir })
      expect(down.code).toBe(0)
      expect(down.stdout).toContain('mc is not running')
      expect(existsSync(join(dir, '.mc/state.json'))).toBe(false)
      await Bun.sleep(100)
      expect(other.exitCode).toBeNull()
      expect(alive(other.pid)).toBe(true)
    } finally {
      other.kill('SIGKILL')
    }
  })
})

describe('the background log', () => {
  test('rotates at MC_LOG_MAX_BYTES, keeps three old files, every line stamped', async () => {
    const port = freePort()
    const dir = composeDir({ 'compose.yml': compose(port, '[sh, -c, "exit 3"]') })
    expect((await up(dir, ['-v', '-e', 'MC_LOG_MAX_BYTES=1KiB'])).code).toBe(0)
    // Each failing run logs a debug line: ~100 of them are many times the limit.
    for (let i = 0; i < 100; i++) {
      await fetch(`http://127.0.0.1:${port}/api/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"input": {}}' })
    }
    const logs = readdirSync(join(dir, '.mc')).filter((name) => name.startsWith('mc.log')).sort()
    expect(logs).toEqual(['mc.log', 'mc.log.1', 'mc.log.2', 'mc.log.3'])
    for (const name of logs) {
      const path = join(dir, '.mc', name)
      expect(statSync(path).size).toBeLessThanOrEqual(1024)
      expect(modeOf(path)).toBe(0o600)
      const lines = readFileSync(path, 'utf8').trimEnd().split('\n')
      for (const line of lines) expect(line).toMatch(ISO_LINE)
    }
    // The newest file may hold only run lines (core/observe/run-log.ts): the debug line is in one of them.
    expect(logs.map((name) => readFileSync(join(dir, '.mc', name), 'utf8')).join('')).toContain('command exited with code 3')
  })
})

describe('a start that fails', () => {
  let blocker: ReturnType<typeof Bun.serve> | undefined
  afterEach(() => blocker?.stop(true))

  test('port taken: mc up -d prints the server error, exits 1, records nothing; freed, it starts', async () => {
    // Answers every path, /api/health included: asking the URL cannot tell it from mc.
    blocker = Bun.serve({ port: 0, hostname: '0.0.0.0', fetch: () => new Response('not mc') })
    const port = blocker.port!
    const dir = composeDir({ 'compose.yml': compose(port) })
    const failed = await up(dir)
    expect(failed.code).toBe(1)
    expect(failed.stdout).toBe('')
    expect(failed.stderr).toMatch(new RegExp(`${ISO_LINE.source}mc \\| error: port ${port} on 0\\.0\\.0\\.0 is already in use`, 'm'))
    expect(failed.stderr).toContain('mc | error: mc exited (exit code 1) before it listened; log: ')
    expect(existsSync(join(dir, '.mc/state.json'))).toBe(false)
    expect((await runMc(['down'], { cwd: dir })).stdout).toBe('mc is not running\n')

    blocker.stop(true)
    const ok = await up(dir)
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain(`at http://127.0.0.1:${port}/api; log: `)
    expect(await (await fetch(`http://127.0.0.1:${port}/api/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"input": {}, "output_only": true}' })).json()).toBe('ok')
  })

  test('port taken: mc start fails the same way and can start again once it is free', async () => {
    const port = freePort()
    const dir = composeDir({ 'compose.yml': compose(port) })
    expect((await up(dir)).code).toBe(0)
    expect((await runMc(['stop'], { cwd: dir })).code).toBe(0)
    blocker = Bun.serve({ port, hostname: '0.0.0.0', fetch: () => new Response('not mc') })
    const failed = await runMc(['start'], { cwd: dir })
    expect(failed.code).toBe(1)
    expect(failed.stderr).toContain(`mc | error: port ${port} on 0.0.0.0 is already in use`)
    expect((await runMc(['stop'], { cwd: dir })).stdout).toBe('mc is not running\n')
    blocker.stop(true)
    expect((await runMc(['start'], { cwd: dir })).code).toBe(0)
    expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200)
  })
})

describe('a slow start', () => {
  // A plugin that takes 3 s to load: both mc up -d and the server it starts load it.
  const slowPlugin = `import { Type, defineComponentPlugin } from 'mc/plugin'
console.log('slow plugin: loading')
await Bun.sleep(3000)
export default defineComponentPlugin({ type: 'slow', action: Type.Object({}), defaultOutput: '\${result}', create: () => ({ async run() { return { result: 'ok' } } }) })
`
  const slowCompose = (port: number) => `plugins: [./slow.ts]\ncontroller:\n  port: ${port}\ncomponent:\n  type: slow\n`

  test('shows its log while it waits', async () => {
    const port = freePort()
    const dir = composeDir({ 'compose.yml': slowCompose(port), 'slow.ts': slowPlugin })
    const result = await up(dir)
    expect(result.code).toBe(0)
    expect(result.stderr).toMatch(/^waiting for mc \(pid \d+\) to listen on http:\/\/127\.0\.0\.1:\d+\/api \(at most 60 s\); its log, .*mc\.log:$/m)
    expect(result.stderr).toMatch(new RegExp(`${ISO_LINE.source}slow plugin: loading$`, 'm'))
    expect(result.stdout).toContain(`started in the background (pid ${statePid(dir)}) at http://127.0.0.1:${port}/api`)
  })

  test('past MC_DETACH_WAIT_SECONDS it is stopped and nothing is recorded', async () => {
    const port = freePort()
    const dir = composeDir({ 'compose.yml': slowCompose(port), 'slow.ts': slowPlugin })
    const result = await up(dir, ['-e', 'MC_DETACH_WAIT_SECONDS=1'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('mc | error: mc did not listen within 1 s (MC_DETACH_WAIT_SECONDS), so it was stopped; log: ')
    expect(existsSync(join(dir, '.mc/state.json'))).toBe(false)
    await Bun.sleep(3500) // past the plugin's load: a server left running would listen by now
    await expect(fetch(`http://127.0.0.1:${port}/api/health`)).rejects.toThrow()
  })
})

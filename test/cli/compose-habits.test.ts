// docker compose's habits (issue 24): `up -d` twice does nothing the second
// time, prints every URL it serves; `ps`, `logs`, `restart`, `down` work from
// a sub-folder; `help`; `.mc/` keeps itself out of git; the `mc-compose` name.
import { afterAll, afterEach, describe, expect, test } from 'bun:test'
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { composeDir, freePort, ROOT, runMc } from '../support/mc.ts'
import { alive } from '../support/processes.ts'

/** A compose file on `port` (and a Web UI on `webuiPort`) whose one workflow prints `word`. */
const compose = (port: number, webuiPort: number, word = 'ok') =>
  `controller:\n  port: ${port}\n  webui:\n    port: ${webuiPort}\ncomponent:\n  type: shell\n  command: [printf, ${word}]\n  output: \${stdout}\nworkflow:\n  output: \${output}\n`
const statePid = (dir: string) => (JSON.parse(readFileSync(join(dir, '.mc/state.json'), 'utf8')) as { pid: number }).pid
const runOnce = (port: number) =>
  fetch(`http://127.0.0.1:${port}/api/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"input":{}}' }).then((r) => r.json() as Promise<{ output: string }>)

const started: string[] = []
afterEach(async () => {
  for (const dir of started.splice(0)) await runMc(['down'], { cwd: dir })
})

describe('the background mc, as docker compose runs it', () => {
  test('up -d prints every URL; a second up -d says it runs and exits 0; ps, restart, logs and down work from a sub-folder', async () => {
    const [port, webuiPort] = [freePort(), freePort()]
    const dir = composeDir({ 'compose.yml': compose(port, webuiPort) })
    const sub = join(dir, 'src/deep')
    mkdirSync(sub, { recursive: true })
    started.push(dir)

    const up = await runMc(['up', '-d'], { cwd: dir })
    expect(up.code).toBe(0)
    for (const url of [`http://127.0.0.1:${port}/api`, `http://127.0.0.1:${port}/v1`, `http://127.0.0.1:${port}/api/metrics`, `http://127.0.0.1:${webuiPort}`]) expect(up.stdout).toContain(url)
    expect(up.stdout).toMatch(/Web UI\s+http:\/\/127\.0\.0\.1:\d+\n/)
    const pid = statePid(dir)

    const again = await runMc(['up', '-d'], { cwd: dir })
    expect(again.code).toBe(0)
    expect(again.stdout).toContain(`already running (pid ${pid}`)
    expect(again.stdout).toContain(`http://127.0.0.1:${webuiPort}`)
    expect(statePid(dir)).toBe(pid)

    const ps = await runMc(['ps'], { cwd: sub })
    expect(ps.code).toBe(0)
    expect(ps.stdout).toMatch(new RegExp(`^running \\(pid ${pid}, up \\d+ s since \\d{4}-`))
    expect(ps.stdout).toContain(`http://127.0.0.1:${webuiPort}`)
    expect(ps.stdout).toContain(join(dir, '.mc/mc.log'))

    // restart re-reads the files: an edit shows.
    expect((await runOnce(port)).output).toBe('ok')
    writeFileSync(join(dir, 'compose.yml'), compose(port, webuiPort, 'edited'))
    const restart = await runMc(['restart'], { cwd: sub })
    expect(restart.code).toBe(0)
    expect(restart.stdout).toContain(`stopped (pid ${pid})`)
    expect(restart.stdout).toContain('started in the background')
    expect(alive(pid)).toBe(false)
    expect((await runOnce(port)).output).toBe('edited')

    const logs = await runMc(['logs'], { cwd: sub })
    expect(logs.code).toBe(0)
    expect(logs.stdout).toContain(`listening on http://127.0.0.1:${port}/api`)

    const down = await runMc(['down'], { cwd: sub })
    expect(down.stdout).toMatch(/^stopped \(pid \d+\)\n$/)
    expect(existsSync(join(dir, '.mc/state.json'))).toBe(false)
    expect((await runMc(['ps'], { cwd: sub })).stdout).toBe('not running ("mc up -d" starts it)\n')
  })

  test("run, validate and up work from a sub-folder on the project's file, its .env and its folder", async () => {
    const port = freePort()
    const dir = composeDir({
      'compose.yml': `controller:\n  port: ${port}\ncomponent:\n  type: shell\n  command: [sh, -c, "pwd; printf %s \${env.WHO}"]\n  output: \${stdout}\nworkflow:\n  output: \${output}\n`,
      '.env': 'WHO=project\n',
    })
    const sub = join(dir, 'src/deep')
    mkdirSync(sub, { recursive: true })
    expect(await runMc(['run'], { cwd: sub })).toEqual({ code: 0, stdout: `${dir}\nproject\n`, stderr: '' })
    expect((await runMc(['validate'], { cwd: sub })).stdout).toStartWith('ok')
    started.push(dir)
    const up = await runMc(['up', '-d'], { cwd: sub })
    expect(up.code).toBe(0)
    expect(existsSync(join(dir, '.mc/state.json'))).toBe(true)
    expect((await runOnce(port)).output).toBe(`${dir}\nproject`)
  })

  test('outside any project, ps says where it looked', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'mc-test-'))
    const ps = await runMc(['ps'], { cwd: empty })
    expect(ps.code).toBe(1)
    expect(ps.stderr).toContain(`no compose file found in ${empty}`)
    expect(ps.stderr).toContain('nor in a folder above it of your own; name one with -f')
  })

  // A compose file and a state another user wrote above the current folder (a
  // shared /tmp, say) would let them choose what mc starts: mc never climbs
  // into such a folder, and refuses a state file that is not the user's.
  test('a project another user wrote is not picked up from below, nor its state started', async () => {
    if (process.getuid?.() !== 0) throw new Error('this test makes files of another user: run it as root (npm test does)')
    const [nobody, nogroup] = [65534, 65534]
    const theirs = composeDir({ 'compose.yml': compose(freePort(), freePort(), 'theirs') })
    mkdirSync(join(theirs, '.mc'))
    writeFileSync(join(theirs, '.mc/state.json'), JSON.stringify({ pid: 1, startTime: 0, argv: ['up'], env: [], cwd: theirs, url: 'http://127.0.0.1:1/api' }))
    for (const path of [theirs, join(theirs, 'compose.yml'), join(theirs, '.mc'), join(theirs, '.mc/state.json')]) chownSync(path, nobody, nogroup)
    const mine = join(theirs, 'mine')
    mkdirSync(mine)
    const ps = await runMc(['ps'], { cwd: mine })
    expect(ps.code).toBe(1)
    expect(ps.stderr).toContain(`no compose file found in ${mine}`)
    for (const command of ['start', 'restart', 'run', 'validate', 'up']) expect((await runMc([command], { cwd: mine })).stderr).toContain(`no compose file found in ${mine}`)

    // Named with -f, their state is still not started.
    const start = await runMc(['-f', join(theirs, 'compose.yml'), 'start'], { cwd: mine })
    expect(start.code).toBe(1)
    expect(start.stderr).toContain(`${join(theirs, '.mc/state.json')} belongs to another user`)
  })

  test('.mc/ holds a .gitignore of "*" from its first start, and up -d says so', async () => {
    const dir = composeDir({ 'compose.yml': compose(freePort(), freePort()) })
    started.push(dir)
    expect(Bun.spawnSync(['git', 'init', '-q'], { cwd: dir }).exitCode).toBe(0)
    const up = await runMc(['up', '-d'], { cwd: dir })
    expect(up.code).toBe(0)
    expect(up.stdout).toContain('.mc/.gitignore')
    expect(readFileSync(join(dir, '.mc/.gitignore'), 'utf8')).toMatch(/^\*$/m)
    const status = Bun.spawnSync(['git', 'status', '--porcelain', '--untracked-files=all'], { cwd: dir }).stdout.toString()
    expect(status).toBe('?? compose.yml\n')
  })
})

describe('mc help and the mc-compose name', () => {
  const bin = mkdtempSync(join(tmpdir(), 'mc-bin-'))
  afterAll(() => rmSync(bin, { recursive: true, force: true }))

  test('package.json names both commands, the same program', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }
    expect(pkg.bin.mc).toBe('cli/mc')
    expect(pkg.bin['mc-compose']).toBe('cli/mc')
  })

  test('run through a link named mc-compose (as npm installs it), the help and version say mc-compose', () => {
    symlinkSync(join(ROOT, 'cli/mc'), join(bin, 'mc-compose'))
    const help = Bun.spawnSync([join(bin, 'mc-compose'), 'help'])
    expect(help.exitCode).toBe(0)
    const text = help.stdout.toString()
    expect(text).toStartWith('mc-compose — ')
    expect(text).toContain('Usage: mc-compose [-f FILE]... COMMAND')
    expect(Bun.spawnSync([join(bin, 'mc-compose'), '--help']).stdout.toString()).toBe(text)
    expect(Bun.spawnSync([join(bin, 'mc-compose'), '--version']).stdout.toString()).toMatch(/^mc-compose \d+\.\d+\.\d+\n$/)
  })

  test('help lists the new commands and says start re-reads the files', async () => {
    const help = await runMc(['help'])
    expect(help.code).toBe(0)
    for (const command of ['ps ', 'logs [-f]', 'restart', 'help']) expect(help.stdout).toContain(command)
    expect(help.stdout).not.toContain('without re-reading')
    expect(help.stdout).toContain('files re-read')
  })

  test('-f FILE before logs names the project; no log yet is one line and exit 1', async () => {
    const dir = composeDir({ 'compose.yml': compose(freePort(), freePort()) })
    const logs = await runMc(['-f', join(dir, 'compose.yml'), 'logs'], { cwd: tmpdir() })
    expect(logs.code).toBe(1)
    expect(logs.stderr).toBe(`no log at ${join(dir, '.mc/mc.log')} yet: "mc up -d" writes it\n`)
  })
})

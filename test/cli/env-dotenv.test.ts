// `.env` is read by mc, not by Bun (issue 24, point 4): from the compose
// file's folder, then the current folder; the process, `--env-file` and `-e`
// above both. Bun's own autoload (the current folder's `.env`, `.env.local`,
// `.env.development`) is off wherever mc runs: the npm launcher (cli/mc), the
// background mc of `up -d`, `bun` in the repository (bunfig.toml), the executable.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { builtBinary, runCommand } from '../support/binary.ts'
import { freePort, ROOT } from '../support/mc.ts'

const LAUNCHER = join(ROOT, 'cli/mc')
const BUN_CONFIG = join(ROOT, 'bunfig.toml')

/** Prints the variables it reads, `|`-separated; an unset one prints empty. */
const PRINT = 'component:\n  type: shell\n  command: [printf, "%s|%s|%s|%s|%s", "${env.KEY}", "${env.CWD_ONLY}", "${env.SHELL_SET}", "${env.LOCAL_ONLY}", "${env.DEV_ONLY}"]\n  output: ${stdout}\n'
/** What the compose file prints when it sees gs/.env over ./.env, the process over both, and no .env.local or .env.development. */
const EXPECTED = 'gs|cwd|process||\n'

let parent: string
const write = (path: string, text: string) => writeFileSync(join(parent, path), text)

beforeAll(() => {
  // `mc -f gs/compose.yml` from the folder above the project, which has env files of its own.
  parent = mkdtempSync(join(tmpdir(), 'mc-dotenv-'))
  mkdirSync(join(parent, 'gs'))
  write('gs/compose.yml', PRINT)
  write('gs/.env', 'KEY=gs\nSHELL_SET=gs\n')
  write('gs/.env.local', 'KEY=gs-local\nLOCAL_ONLY=gs-local\n')
  write('.env', 'KEY=cwd\nCWD_ONLY=cwd\nSHELL_SET=cwd\n')
  write('.env.local', 'KEY=cwd-local\nLOCAL_ONLY=local\n')
  write('.env.development', 'KEY=cwd-development\nDEV_ONLY=dev\n')
  write('other.env', 'KEY=other\n')
})
afterAll(() => rmSync(parent, { recursive: true, force: true }))

/** The environment of a test's mc: the test's own, none of the variables above but SHELL_SET, and no NODE_ENV (bun test's `test` keeps Bun from reading .env.local). */
function processEnv(): Record<string, string> {
  const env = { ...process.env } as Record<string, string>
  for (const name of ['KEY', 'CWD_ONLY', 'LOCAL_ONLY', 'DEV_ONLY', 'MC_API_KEY', 'NODE_ENV']) delete env[name]
  return { ...env, SHELL_SET: 'process' }
}

const launcher = (args: string[], cwd = parent) => runCommand([LAUNCHER, ...args], cwd, processEnv())

describe('mc (the npm launcher, cli/mc)', () => {
  test('from the parent folder: gs/.env over ./.env, the process over both, .env.local and .env.development ignored', async () => {
    const result = await launcher(['-f', 'gs/compose.yml', 'run'])
    expect(result.stdout).toBe(EXPECTED)
    expect(result.code).toBe(0)
  })

  test('`mc run gs/compose.yml` finds the project the same way', async () => {
    expect((await launcher(['run', 'gs/compose.yml'])).stdout).toBe(EXPECTED)
  })

  test('from the project folder (no -f): its .env alone, not its .env.local', async () => {
    expect((await launcher(['run'], join(parent, 'gs'))).stdout).toBe('gs||process||\n')
  })

  test('--env-file replaces both .env files (as model-compose and docker compose); -e wins over all', async () => {
    expect((await launcher(['-f', 'gs/compose.yml', 'run', '--env-file', 'other.env'])).stdout).toBe('other||process||\n')
    expect((await launcher(['-f', 'gs/compose.yml', 'run', '-e', 'SHELL_SET=flag'])).stdout).toBe('gs|cwd|flag||\n')
  })

  test('${NAME} and ${NAME:-default} expand as python-dotenv does (earlier lines, then the process)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-dotenv-expand-'))
    try {
      writeFileSync(join(dir, 'compose.yml'), PRINT)
      writeFileSync(join(dir, '.env'), "BASE=http://h\nKEY=${BASE}/v1\nCWD_ONLY=\"${SHELL_SET}-${UNSET:-fallback}\"\n")
      expect((await launcher(['run'], dir)).stdout).toBe('http://h/v1|process-fallback|process||\n')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('a bad line in .env is one line naming file:line, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-dotenv-bad-'))
    try {
      writeFileSync(join(dir, 'compose.yml'), PRINT)
      writeFileSync(join(dir, '.env'), 'KEY=fine\nnot a variable\n')
      const result = await launcher(['run'], dir)
      expect(result.code).toBe(1)
      expect(result.stderr).toBe(`mc | error: ${join(dir, '.env')}:2:1: expected KEY=VALUE\n`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  // A .env another user left (a shared /tmp) could send an API key elsewhere: one line, exit 1; named with --env-file it is read.
  test('a .env of another user, or one anybody may write, is refused by name; --env-file still reads it', async () => {
    if (process.getuid?.() !== 0) throw new Error('this test makes a file of another user: run it as root (npm test does)')
    const dir = mkdtempSync(join(tmpdir(), 'mc-dotenv-theirs-'))
    try {
      writeFileSync(join(dir, 'compose.yml'), PRINT)
      writeFileSync(join(dir, '.env'), 'KEY=theirs\n')
      chownSync(join(dir, '.env'), 65534, 65534)
      const theirs = await launcher(['run'], dir)
      expect(theirs.code).toBe(1)
      expect(theirs.stderr).toBe(`mc | error: ${join(dir, '.env')} belongs to another user (uid 65534): mc reads only your own .env files; remove it, or name it with --env-file\n`)
      expect((await launcher(['--env-file', '.env', 'run'], dir)).stdout).toBe('theirs||process||\n')

      chownSync(join(dir, '.env'), 0, 0)
      chmodSync(join(dir, '.env'), 0o666)
      const open = await launcher(['run'], dir)
      expect(open.code).toBe(1)
      expect(open.stderr).toContain('may be written by anyone: mc does not read it')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('mc up -d (a background mc started again)', () => {
  test('the background server reads gs/.env too, not the current folder’s .env.local', async () => {
    const port = freePort()
    const dir = mkdtempSync(join(tmpdir(), 'mc-dotenv-detach-'))
    try {
      mkdirSync(join(dir, 'gs'))
      writeFileSync(join(dir, 'gs/compose.yml'), `controller:\n  port: ${port}\n${PRINT}`)
      writeFileSync(join(dir, 'gs/.env'), 'MC_API_KEY=key-from-gs\n')
      writeFileSync(join(dir, '.env.local'), 'MC_API_KEY=key-from-local\n')
      expect((await runCommand([LAUNCHER, '-f', 'gs/compose.yml', 'up', '-d'], dir, processEnv())).code).toBe(0)
      try {
        const api = `http://127.0.0.1:${port}/api/workflows`
        expect((await fetch(api, { headers: { authorization: 'Bearer key-from-gs' } })).status).toBe(200)
        expect((await fetch(api, { headers: { authorization: 'Bearer key-from-local' } })).status).toBe(401)
      } finally {
        await runCommand([LAUNCHER, '-f', 'gs/compose.yml', 'down'], dir, processEnv())
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('bun in the repository (bunfig.toml) and the executable', () => {
  test('bun with the repository’s bunfig.toml does not load the current folder’s .env files', async () => {
    const result = await runCommand([process.execPath, `--config=${BUN_CONFIG}`, join(ROOT, 'cli/main.ts'), '-f', 'gs/compose.yml', 'run'], parent, processEnv())
    expect(result.stdout).toBe(EXPECTED)
  })

  test('the executable (cli/build/build.ts) reads gs/.env, not Bun’s .env.local', async () => {
    const binary = await builtBinary()
    const env = { HOME: parent, PATH: '/usr/bin:/bin', SHELL_SET: 'process' }
    const result = await runCommand([binary, '-f', 'gs/compose.yml', 'run'], parent, env)
    expect(result.stdout).toBe(EXPECTED)
    expect(result.code).toBe(0)
  }, 300_000)
})

// A real PostgreSQL for the tests that need one (the vector store's postgres
// driver): Debian's postgresql-15 binaries, a new cluster in a temporary
// folder on a free loopback port, trust authentication for its superuser
// `postgres`, stopped and removed by the test that started it. As root (CI
// containers), the server runs as the `postgres` user, since it refuses root.

import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './mc.ts'
import { requirementMet } from './requirements.ts'

export interface TestPostgres {
  url: string
  stop(): Promise<void>
}

/** Debian's server binaries, newest version first. */
function binaries(): string | null {
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return null
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a))
  return versions.length > 0 ? join(root, versions[0]!, 'bin') : null
}

const BIN = binaries()

/** True when PostgreSQL's server is installed; otherwise registers a test that fails naming the install command. */
export function postgresAvailable(): boolean {
  return requirementMet('postgres', BIN !== null, "Debian's postgresql server", 'apt-get install -y postgresql')
}

export async function startPostgres(): Promise<TestPostgres> {
  if (!BIN) throw new Error('postgresql is missing: install it with `apt-get install -y postgresql`')
  const dir = mkdtempSync(join(tmpdir(), 'mc-postgres-'))
  const asRoot = process.getuid?.() === 0
  // setpriv execs the program itself (no wrapper process), so signals reach postgres.
  const runAs = asRoot ? ['setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups'] : []
  if (asRoot) {
    const uid = Number(Bun.spawnSync(['id', '-u', 'postgres']).stdout.toString())
    const gid = Number(Bun.spawnSync(['id', '-g', 'postgres']).stdout.toString())
    chownSync(dir, uid, gid)
  }
  const data = join(dir, 'data')
  const init = Bun.spawnSync([...runAs, join(BIN, 'initdb'), '-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync'], { stdout: 'ignore', stderr: 'pipe' })
  if (init.exitCode !== 0) throw new Error(`initdb failed: ${init.stderr.toString().trim()}`)
  const port = freePort()
  const settings = ['-c', `port=${port}`, '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`, '-c', 'fsync=off']
  const proc = Bun.spawn([...runAs, join(BIN, 'postgres'), '-D', data, ...settings], { stdout: 'ignore', stderr: 'ignore' })
  const deadline = Date.now() + 20_000
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`postgres on port ${port} exited with ${proc.exitCode}`)
    if (Bun.spawnSync([join(BIN, 'pg_isready'), '-h', '127.0.0.1', '-p', String(port)]).exitCode === 0) break
    if (Date.now() > deadline) {
      proc.kill('SIGKILL')
      throw new Error(`postgres on port ${port} did not accept connections within 20 s`)
    }
    await Bun.sleep(50)
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      // SIGINT: PostgreSQL's fast shutdown.
      proc.kill('SIGINT')
      await proc.exited
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

// The single executable as a user gets it: built once per test process with
// `bun cli/build/build.ts` (bun test runs every file in one process; any file
// may ask for it), then run from a folder of its own with a bare environment:
// HOME in that folder, and no bun or node on PATH.

import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT, waitForHttp } from './mc.ts'

let building: Promise<string> | undefined

/** The path of an executable built from this working tree by the project's build script (once per process). */
export function builtBinary(): Promise<string> {
  return (building ??= build())
}

// bun test runs no exit hook: each process builds into a folder named with its pid,
// and the next build removes the folders of processes that are gone.
const BUILD_PREFIX = 'mc-binary-'

async function build(): Promise<string> {
  removeStaleBuilds()
  const dir = join(tmpdir(), `${BUILD_PREFIX}${process.pid}`)
  mkdirSync(dir, { recursive: true })
  const outfile = join(dir, 'mc')
  const proc = Bun.spawn([process.execPath, join(ROOT, 'cli/build/build.ts'), '--outfile', outfile], { cwd: ROOT, stdout: 'pipe', stderr: 'pipe' })
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  if (code !== 0) throw new Error(`bun cli/build/build.ts failed (${code}): ${stderr}${stdout}`)
  return outfile
}

function removeStaleBuilds(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(name.slice(BUILD_PREFIX.length))
    if (name.startsWith(BUILD_PREFIX) && pid > 0 && !alive(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true })
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export interface BinaryFolder {
  /** An empty temp folder but for the executable and `home/`. */
  dir: string
  /** The executable's copy in `dir`. */
  mc: string
  home: string
  /** HOME and a PATH without bun or node, plus `extra`. */
  env(extra?: Record<string, string>): Record<string, string>
  remove(): void
}

/** A copy of the built executable, alone in a fresh temp folder. */
export async function binaryFolder(): Promise<BinaryFolder> {
  const binary = await builtBinary()
  const dir = mkdtempSync(join(tmpdir(), 'mc-alone-'))
  const mc = join(dir, 'mc')
  copyFileSync(binary, mc)
  const home = join(dir, 'home')
  mkdirSync(home)
  return {
    dir,
    mc,
    home,
    env: (extra = {}) => ({ HOME: home, PATH: '/nonexistent-bin', ...extra }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/** `ARGV...` to completion in `cwd` with exactly `env`: exit code, stdout, stderr. */
export async function runCommand(argv: string[], cwd: string, env: Record<string, string>) {
  const proc = Bun.spawn(argv, { cwd, env, stdout: 'pipe', stderr: 'pipe' })
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  return { code, stdout, stderr }
}

/** `mc up` of the executable in `cwd`; resolves once `healthUrl` answers. */
export async function startBinary(mc: string, cwd: string, env: Record<string, string>, healthUrl: string) {
  const proc = Bun.spawn([mc, 'up'], { cwd, env, stdout: 'ignore', stderr: 'pipe' })
  let logs = ''
  void (async () => {
    const decoder = new TextDecoder()
    for await (const chunk of proc.stderr as ReadableStream<Uint8Array>) logs += decoder.decode(chunk, { stream: true })
  })()
  const stop = async () => {
    proc.kill('SIGTERM')
    return proc.exited
  }
  try {
    await waitForHttp(healthUrl, proc, () => logs)
  } catch (error) {
    await stop()
    throw error
  }
  return { pid: proc.pid, logs: () => logs, stop }
}

// `mc up -d` and its companions. The background mc is this same program
// started again without `-d`; its pid, log and arguments live in `.mc/` next
// to the first compose file.

import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { findComposeFile } from '../core/compose/load.ts'
import type { ComposeModel } from '../core/compose/model.ts'
import { localUrl } from '../core/http/listen.ts'
import { selfCommand } from '../core/process/compiled.ts'
import type { CliArgs } from './args.ts'

interface State {
  pid: number
  /** The arguments `mc start` starts it with again. */
  argv: string[]
  cwd: string
  url: string
}

export function stateDir(args: CliArgs): string {
  const first = args.files[0] ? resolve(args.files[0]) : findComposeFile(process.cwd())
  return join(dirname(first), '.mc')
}

function readState(dir: string): State | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as State
  } catch {
    return undefined
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** The controller's URL as a client on this machine reaches it. */
export function controllerUrl(model: ComposeModel): string {
  const { host, port, basePath } = model.controller
  return localUrl(host, port, basePath)
}

export async function detach(args: CliArgs, url: string, argv = foregroundArgv(args)): Promise<number> {
  const dir = stateDir(args)
  const running = readState(dir)
  if (running && isAlive(running.pid)) throw new Error(`already running (pid ${running.pid}) at ${running.url}; stop it with "mc down"`)
  mkdirSync(dir, { recursive: true })
  const logFile = join(dir, 'mc.log')
  const out = openSync(logFile, 'a')
  const [command, ...rest] = [...selfCommand(), ...argv]
  const child = spawn(command!, rest, { cwd: process.cwd(), detached: true, stdio: ['ignore', out, out], env: process.env })
  child.unref()
  const state: State = { pid: child.pid!, argv, cwd: process.cwd(), url }
  writeFileSync(join(dir, 'state.json'), JSON.stringify(state, null, 2), { mode: 0o600 })
  const deadline = Date.now() + Number(process.env.MC_DETACH_WAIT_SECONDS ?? 600) * 1000
  for (;;) {
    if (!isAlive(child.pid!)) {
      const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').slice(-10).join('\n') : ''
      throw new Error(`mc exited while starting; last log lines:\n${tail}`)
    }
    try {
      const response = await fetch(`${url}/health`)
      if (response.ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`mc did not become healthy in time; see ${logFile}`)
    await Bun.sleep(100)
  }
  process.stdout.write(`started in the background (pid ${child.pid}) at ${url}; log: ${logFile}\n`)
  return 0
}

function foregroundArgv(args: CliArgs): string[] {
  return [
    ...args.files.flatMap((f) => ['-f', resolve(f)]),
    ...args.envFiles.flatMap((f) => ['--env-file', resolve(f)]),
    ...args.env.flatMap((e) => ['-e', e]),
    ...(args.verbose ? ['-v'] : []),
    'up',
  ]
}

/** Stops the background mc: SIGTERM, then SIGKILL after a grace period. */
export async function stopDetached(args: CliArgs, forget: boolean): Promise<number> {
  const dir = stateDir(args)
  const state = readState(dir)
  if (!state || !isAlive(state.pid)) {
    process.stdout.write('mc is not running\n')
    if (forget) rmSync(join(dir, 'state.json'), { force: true })
    return 0
  }
  process.kill(state.pid, 'SIGTERM')
  const deadline = Date.now() + 10_000
  while (isAlive(state.pid) && Date.now() < deadline) await Bun.sleep(50)
  if (isAlive(state.pid)) process.kill(state.pid, 'SIGKILL')
  if (forget) rmSync(join(dir, 'state.json'), { force: true })
  process.stdout.write(`stopped (pid ${state.pid})\n`)
  return 0
}

/** `mc start`: starts the stopped background mc again with the arguments it had. */
export async function startDetached(args: CliArgs): Promise<number> {
  const state = readState(stateDir(args))
  if (!state) throw new Error('nothing to start: run "mc up -d" first')
  return detach(args, state.url, state.argv)
}

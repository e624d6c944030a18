// `mc up -d` and its companions. The background mc is this same program
// started again without `-d`; its pid, log and arguments live in `.mc/` next
// to the first compose file (cli/detach/detached-state.ts). Its `-e` values are
// handed to it outside its command line (cli/detach/background-server.ts), and
// `mc up -d` returns once it listens, or fails with its error.

import { spawn } from 'node:child_process'
import { closeSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { ComposeModel } from '../../core/model/compose-model.ts'
import { localUrl } from '../../core/http/listen.ts'
import { selfCommand } from '../../core/process/compiled.ts'
import { bytesSetting, secondsSetting } from '../../core/settings.ts'
import { parseCli, type CliArgs } from '../invocation/args.ts'
import { HANDOFF_VARIABLE, type Handoff } from './background-server.ts'
import { readState, stateDir, writeState, type DetachedState } from './detached-state.ts'
import { resolveEnv } from '../invocation/env.ts'
import { ensurePrivateDir, openPrivate } from './private-files.ts'
import { holdsPid, pidInUse, startTimeOf, stillRuns, type ProcessRecord } from './process-identity.ts'
import { LogFollower, waitUntilListening } from './startup-wait.ts'

const LOG_MAX_BYTES = 10 * 1024 * 1024
const WAIT_SECONDS = 60
const STOP_GRACE_MS = 10_000

/** How the background mc is started: its arguments, and the `-e` values kept off them. */
interface Launch {
  argv: string[]
  env: string[]
}

/** The controller's URL as a client on this machine reaches it. */
export function controllerUrl(model: ComposeModel): string {
  const { host, port, basePath } = model.controller
  return localUrl(host, port, basePath)
}

export async function detach(args: CliArgs, url: string, launch: Launch = { argv: foregroundArgv(args), env: args.env }): Promise<number> {
  const dir = stateDir(args)
  const previous = readState(dir)
  if (previous && stillRuns(previous)) throw new Error(`already running (pid ${previous.pid}) at ${previous.url}; stop it with "mc down"`)
  const { logMaxBytes, waitMs } = launchSettings(launch)
  ensurePrivateDir(dir)
  const logFile = join(dir, 'mc.log')
  const out = openPrivate(logFile, 'a')
  const log = new LogFollower(logFile)
  const handoff: Handoff = { env: launch.env, logFile, logMaxBytes }
  const [command, ...rest] = [...selfCommand(), ...launch.argv]
  const child = spawn(command!, rest, {
    cwd: process.cwd(),
    detached: true,
    stdio: ['ignore', out, out, 'pipe'],
    env: { ...process.env, [HANDOFF_VARIABLE]: JSON.stringify(handoff) },
  })
  closeSync(out)
  // Recorded before the wait: an `mc up -d` interrupted while it waits leaves a server `mc down` can stop.
  const state: DetachedState = { pid: child.pid!, startTime: startTimeOf(child.pid!), argv: launch.argv, env: launch.env, cwd: process.cwd(), url }
  writeState(dir, state)
  try {
    await waitUntilListening(child, log, url, waitMs)
  } catch (error) {
    if (stillRuns(state)) await terminate(state)
    writeState(dir, previous) // nothing says it runs; a stopped one keeps what `mc start` needs
    throw error
  }
  child.unref()
  process.stdout.write(`started in the background (pid ${child.pid}) at ${url}; log: ${logFile}\n`)
  return 0
}

function foregroundArgv(args: CliArgs): string[] {
  return [...args.files.flatMap((f) => ['-f', resolve(f)]), ...args.envFiles.flatMap((f) => ['--env-file', resolve(f)]), ...(args.verbose ? ['-v'] : []), 'up']
}

/** The settings `mc up -d` needs before the server starts, from the environment the server will see. */
function launchSettings(launch: Launch): { logMaxBytes: number; waitMs: number } {
  const env = resolveEnv(parseCli(launch.argv).envFiles, launch.env)
  return {
    logMaxBytes: bytesSetting(env, 'MC_LOG_MAX_BYTES', LOG_MAX_BYTES),
    waitMs: secondsSetting(env, 'MC_DETACH_WAIT_SECONDS', WAIT_SECONDS) * 1000,
  }
}

/** SIGTERM, then SIGKILL after a grace period; only while the pid is still that process. Returns once it is gone. */
async function terminate(record: ProcessRecord): Promise<void> {
  try {
    process.kill(record.pid, 'SIGTERM')
  } catch {
    return // it exited since it was checked
  }
  const deadline = Date.now() + STOP_GRACE_MS
  while (holdsPid(record) && Date.now() < deadline) await Bun.sleep(50)
  if (stillRuns(record)) process.kill(record.pid, 'SIGKILL')
}

/** Stops the background mc; `forget` (mc down) also removes what `mc start` would need. */
export async function stopDetached(args: CliArgs, forget: boolean): Promise<number> {
  const dir = stateDir(args)
  const state = readState(dir)
  if (state && stillRuns(state)) {
    await terminate(state)
    process.stdout.write(`stopped (pid ${state.pid})\n`)
  } else {
    const reused = state && pidInUse(state.pid) ? ` (its pid ${state.pid} now belongs to another process, left alone)` : ''
    process.stdout.write(`mc is not running${reused}\n`)
  }
  if (forget) writeState(dir, undefined)
  return 0
}

/** `mc start`: starts the stopped background mc again with the arguments it had. */
export async function startDetached(args: CliArgs): Promise<number> {
  const state = readState(stateDir(args))
  if (!state) throw new Error('nothing to start: run "mc up -d" first')
  return detach(args, state.url, { argv: state.argv, env: state.env })
}

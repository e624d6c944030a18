// `mc up -d` and its companions. The background mc is this same program
// started again without `-d`; its pid, log and arguments live in `.mc/` next
// to the first compose file (cli/detach/detached-state.ts). Its `-e` values are
// handed to it outside its command line (cli/detach/background-server.ts), and
// `mc up -d` returns once it listens (printing every URL it serves), or fails
// with its error. As in docker compose, `up -d` and `start` of a server that
// already runs say where it is and do nothing.

import { spawn } from 'node:child_process'
import { closeSync } from 'node:fs'
import { resolve } from 'node:path'
import type { ComposeModel } from '../../core/model/compose-model.ts'
import { localUrl } from '../../core/http/listen.ts'
import { selfCommand } from '../../core/process/compiled.ts'
import { bytesSetting, secondsSetting } from '../../core/settings.ts'
import { commandName, parseCli, type CliArgs } from '../invocation/args.ts'
import { HANDOFF_VARIABLE, type Handoff } from './background-server.ts'
import { describeUptime, logFileOf, readState, stateDir, writeState, type DetachedState } from './detached-state.ts'
import { dotenvFiles, resolveEnv } from '../invocation/env.ts'
import { ensurePrivateDir, IGNORED_NOTE, openPrivate } from './private-files.ts'
import { describeUrls, type ServedUrl } from './served-urls.ts'
import { holdsPid, pidInUse, startTimeOf, stillRuns, type ProcessRecord } from './process-identity.ts'
import { LogFollower, waitUntilListening } from './startup-wait.ts'

const LOG_MAX_BYTES = 10 * 1024 * 1024
const WAIT_SECONDS = 60
const STOP_GRACE_MS = 10_000

/** How the background mc is started: its arguments, the `-e` values kept off them, the folder it starts in. */
interface Launch {
  argv: string[]
  env: string[]
  cwd: string
}

/** The controller's URL as a client on this machine reaches it. */
export function controllerUrl(model: ComposeModel): string {
  const { host, port, basePath } = model.controller
  return localUrl(host, port, basePath)
}

export async function detach(args: CliArgs, url: string, launch: Launch = { argv: foregroundArgv(args), env: args.env, cwd: process.cwd() }): Promise<number> {
  const dir = stateDir(args)
  const previous = readState(dir)
  if (previous && stillRuns(previous)) {
    const name = commandName()
    process.stdout.write(`already running (pid ${previous.pid}${describeUptime(previous)}) at ${previous.url}: nothing to do ("${name} restart" re-reads the files, "${name} down" stops it)\n${describeUrls(previous.urls ?? [])}`)
    return 0
  }
  const { logMaxBytes, waitMs } = launchSettings(launch)
  const ignored = ensurePrivateDir(dir)
  const logFile = logFileOf(dir)
  const out = openPrivate(logFile, 'a')
  const log = new LogFollower(logFile)
  const handoff: Handoff = { env: launch.env, logFile, logMaxBytes }
  const [command, ...rest] = [...selfCommand(), ...launch.argv]
  const child = spawn(command!, rest, {
    cwd: launch.cwd,
    detached: true,
    stdio: ['ignore', out, out, 'pipe'],
    env: { ...process.env, [HANDOFF_VARIABLE]: JSON.stringify(handoff) },
  })
  closeSync(out)
  // Recorded before the wait: an `mc up -d` interrupted while it waits leaves a server `mc down` can stop.
  const state: DetachedState = { pid: child.pid!, startTime: startTimeOf(child.pid!), argv: launch.argv, env: launch.env, cwd: launch.cwd, url, startedAt: new Date().toISOString() }
  writeState(dir, state)
  let urls: ServedUrl[]
  try {
    urls = await waitUntilListening(child, log, url, waitMs)
    writeState(dir, { ...state, urls })
  } catch (error) {
    if (stillRuns(state)) await terminate(state)
    writeState(dir, previous) // nothing says it runs; a stopped one keeps what `mc start` needs
    throw error
  }
  child.unref()
  const name = commandName()
  process.stdout.write(`started in the background (pid ${child.pid}) at ${url}; log: ${logFile} ("${name} logs -f" follows it)\n${describeUrls(urls)}`)
  if (ignored) process.stdout.write(`${IGNORED_NOTE}\n`)
  return 0
}

function foregroundArgv(args: CliArgs): string[] {
  return [...args.files.flatMap((f) => ['-f', resolve(f)]), ...args.envFiles.flatMap((f) => ['--env-file', resolve(f)]), ...(args.verbose ? ['-v'] : []), 'up']
}

/** The settings `mc up -d` needs before the server starts, from the environment the server will see. */
function launchSettings(launch: Launch): { logMaxBytes: number; waitMs: number } {
  const cli = parseCli(launch.argv)
  const env = resolveEnv(cli.envFiles, launch.env, process.env, dotenvFiles(cli.files, launch.cwd))
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

/** `mc restart`: stops the background mc (when it runs) and starts it again with the arguments it had: the files are read again. */
export async function restartDetached(args: CliArgs): Promise<number> {
  const dir = stateDir(args)
  const state = readState(dir)
  if (!state) throw new Error(`nothing to restart: run "${commandName()} up -d" first`)
  if (stillRuns(state)) {
    await terminate(state)
    process.stdout.write(`stopped (pid ${state.pid})\n`)
  }
  return detach(args, state.url, { argv: state.argv, env: state.env, cwd: state.cwd })
}

/** `mc start`: starts the stopped background mc again with the arguments it had. */
export async function startDetached(args: CliArgs): Promise<number> {
  const state = readState(stateDir(args))
  if (!state) throw new Error(`nothing to start: run "${commandName()} up -d" first`)
  return detach(args, state.url, { argv: state.argv, env: state.env, cwd: state.cwd })
}

// `mc logs [-f]`: the background mc's log (.mc/mc.log, after the rotated
// copies it keeps, oldest first); `-f` goes on printing what is written, from
// where it was, until Ctrl-C, also across a rotation and a restart.

import { commandName, type CliArgs } from '../invocation/args.ts'
import { logFileOf, logFilesOf, stateDir } from '../detach/detached-state.ts'
import { LogFollower } from '../detach/startup-wait.ts'

const FOLLOW_EVERY_MS = 250

export async function logsCommand(args: CliArgs): Promise<number> {
  const dir = stateDir(args)
  const files = logFilesOf(dir)
  if (files.length === 0 && !args.follow) {
    process.stderr.write(`no log at ${logFileOf(dir)} yet: "${commandName()} up -d" writes it\n`)
    return 1
  }
  // A reader that went away (| head): nothing is left to do.
  process.stdout.on('error', () => process.exit(0))
  // The older copies whole; the log itself up to where following starts.
  for (const file of files.filter((f) => f !== logFileOf(dir))) await write(await Bun.file(file).bytes())
  const log = new LogFollower(logFileOf(dir), 0)
  await write(log.news())
  if (!args.follow) return 0
  for (;;) {
    await Bun.sleep(FOLLOW_EVERY_MS)
    await write(log.news())
  }
}

/** Waits for stdout to take it: a slow reader slows the reading, not the memory. */
function write(data: string | Uint8Array): Promise<void> {
  if (data.length === 0) return Promise.resolve()
  return new Promise((resolve) => process.stdout.write(data, () => resolve()))
}

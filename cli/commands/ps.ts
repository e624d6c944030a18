// `mc ps`: whether the project's background mc (`mc up -d`) runs, since when,
// and where it answers. Exit 0 either way, as docker compose's `ps`.

import { commandName, type CliArgs } from '../invocation/args.ts'
import { describeUptime, logFileOf, readState, stateDir } from '../detach/detached-state.ts'
import { pidInUse, stillRuns } from '../detach/process-identity.ts'
import { describeUrls } from '../detach/served-urls.ts'

export function psCommand(args: CliArgs): number {
  const dir = stateDir(args)
  const state = readState(dir)
  if (state && stillRuns(state)) {
    const urls = state.urls ?? [{ what: 'API', url: state.url }]
    process.stdout.write(`running (pid ${state.pid}${describeUptime(state)})\n${describeUrls(urls)}  log  ${logFileOf(dir)}\n`)
    return 0
  }
  const name = commandName()
  const why = !state ? `"${name} up -d" starts it` : pidInUse(state.pid) ? `its pid ${state.pid} now belongs to another process; "${name} start" starts it again` : `"${name} start" starts it again`
  process.stdout.write(`not running (${why})\n`)
  return 0
}

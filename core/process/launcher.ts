// Bun started by the npm launcher (cli/mc.js) stops when the launcher dies,
// even by SIGKILL: the launcher names itself in MC_LAUNCHER_PID, and Bun asks
// the kernel for SIGTERM on its parent's death (a normal, orderly shutdown).

import { setParentDeathSignal } from './libc.ts'

const VARIABLE = 'MC_LAUNCHER_PID'

export function followLauncher(): void {
  const launcher = Number(process.env[VARIABLE])
  // Not for anything this process starts: a background `mc up -d` must outlive the launcher.
  delete process.env[VARIABLE]
  if (!launcher || launcher !== process.ppid) return
  setParentDeathSignal('SIGTERM')
  // The launcher may have died before the call took effect: nobody would signal then.
  if (process.ppid !== launcher) process.kill(process.pid, 'SIGTERM')
}

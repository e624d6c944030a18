#!/usr/bin/env node
// The `mc` command as npm installs it: runs cli/main.ts on the Bun that
// `npm install` brought (the `bun` package), from any shell, with or without
// Bun on the PATH. Signals are passed on; the exit code is Bun's. Bun stops
// when this launcher dies, however it dies (see core/process/launcher.ts).

import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { constants } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)
const bun = process.versions.bun ? process.execPath : join(dirname(require.resolve('bun/package.json')), 'bin', 'bun.exe')
// Bun's fetch holds back concurrent requests past a small default cap; many concurrent
// upstream streams need more (measured: see README, "Benchmarks").
const env = { BUN_CONFIG_MAX_HTTP_REQUESTS: '8192', ...process.env, MC_LAUNCHER_PID: String(process.pid) }
const child = spawn(bun, [join(here, 'main.ts'), ...process.argv.slice(2)], { stdio: 'inherit', env })
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 1)))

// Run by npm (`npx mc`, an npm script), mc lives as long as npm: npm runs it
// through `sh -c`, which neither passes signals on nor dies with npm, so this
// watches both its parent (that sh) and the sh's parent (npm). Run any other
// way, a parent's exit means nothing (`nohup mc up &` outlives its shell).
if (process.env.npm_lifecycle_event !== undefined) {
  const parent = process.ppid
  const grandparent = parentOf(parent)
  const watch = setInterval(() => {
    if (process.ppid === parent && parentOf(parent) === grandparent) return
    clearInterval(watch)
    child.kill('SIGTERM')
  }, 300)
  watch.unref()
}

/** The parent of process `pid` (Linux /proc); undefined where that cannot be read. */
function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  } catch {
    return undefined
  }
}

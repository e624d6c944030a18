#!/usr/bin/env node
// The `mc` command as npm installs it: runs cli/main.ts on the Bun that
// `npm install` brought (the `bun` package), from any shell, with or without
// Bun on the PATH. Signals are passed on; the exit code is Bun's.

import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { constants } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)
const bun = process.versions.bun ? process.execPath : join(dirname(require.resolve('bun/package.json')), 'bin', 'bun.exe')
// Bun's fetch holds back concurrent requests past a small default cap; many concurrent
// upstream streams need more (measured: see README, "Benchmarks").
const env = { BUN_CONFIG_MAX_HTTP_REQUESTS: '8192', ...process.env }
const child = spawn(bun, [join(here, 'main.ts'), ...process.argv.slice(2)], { stdio: 'inherit', env })
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 1)))

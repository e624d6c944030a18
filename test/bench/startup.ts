// `bun run bench` (start-up): how long mc takes to be useful, from the
// executable (`dist/mc`, built by `npm run build` if missing) and through the
// npm bin (`cli/mc`, what `npx mc` and `npm link` run): `--version`, `mc run`
// of a one-job shell workflow, and `mc up` of the quickstart until /api/health
// answers (its model loads after that, in the background). Median of 15 runs
// each, the two launchers interleaved.

import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { composeDir, freePort, ROOT } from '../support/mc.ts'

const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 15)
const BINARY = join(ROOT, 'dist/mc')
const NPM_BIN = join(ROOT, 'cli/mc')
const QUICKSTART = join(ROOT, 'examples/quickstart/compose.yml')

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

if (!existsSync(BINARY)) {
  console.log('dist/mc is missing: building it (npm run build)')
  const build = Bun.spawnSync([process.execPath, join(ROOT, 'cli/build/build.ts')], { cwd: ROOT, stdout: 'inherit', stderr: 'inherit' })
  if (build.exitCode !== 0) throw new Error('the build failed')
}

const shellDir = composeDir({ 'compose.yml': 'workflow:\n  output: ${output}\ncomponent:\n  type: shell\n  command: [echo, "hi ${input.name}"]\n  output: ${stdout}\n' })

/** Milliseconds from spawn to exit; the command must succeed. */
async function timeExit(argv: string[], cwd: string): Promise<number> {
  const start = performance.now()
  const proc = Bun.spawn(argv, { cwd, stdout: 'ignore', stderr: 'pipe' })
  const code = await proc.exited
  const elapsed = performance.now() - start
  if (code !== 0) throw new Error(`${argv.join(' ')} exited with ${code}: ${await new Response(proc.stderr).text()}`)
  return elapsed
}

/** Milliseconds from spawn of `mc up` to the first answer of /api/health. */
async function timeHealth(mc: string): Promise<number> {
  const port = freePort()
  const start = performance.now()
  const proc = Bun.spawn([mc, 'up', '-f', QUICKSTART], { cwd: ROOT, env: { ...process.env, MC_PORT: String(port) }, stdout: 'ignore', stderr: 'ignore' })
  try {
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`mc up exited with ${proc.exitCode}`)
      const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false)
      if (ok) return performance.now() - start
      await Bun.sleep(1)
    }
  } finally {
    proc.kill('SIGTERM')
    await proc.exited
  }
}

const cases: { name: string; target: number; measure: (mc: string) => Promise<number> }[] = [
  { name: 'mc --version', target: 30, measure: (mc) => timeExit([mc, '--version'], ROOT) },
  { name: 'mc run (one shell job)', target: 60, measure: (mc) => timeExit([mc, 'run', '-i', '{"name": "bench"}'], shellDir) },
  { name: 'mc up → /api/health', target: 150, measure: timeHealth },
]

const rows: string[] = []
for (const { name, target, measure } of cases) {
  const times = { binary: [] as number[], npm: [] as number[] }
  await measure(BINARY) // warm the page cache
  await measure(NPM_BIN)
  for (let i = 0; i < RUNS; i++) {
    times.binary.push(await measure(BINARY))
    times.npm.push(await measure(NPM_BIN))
  }
  const binary = median(times.binary)
  const npm = median(times.npm)
  rows.push(
    `| ${name} | ${binary.toFixed(0)} ms (target ≤ ${target}) | ${npm.toFixed(0)} ms | ${(npm / binary).toFixed(2)}× (target ≤ 2) |`,
  )
}

console.log(`\nStart-up, median of ${RUNS} runs (launchers interleaved)\n`)
console.log('| | dist/mc | npm bin (cli/mc) | npm bin / binary |')
console.log('|---|---|---|---|')
for (const row of rows) console.log(row)

// The npm package's fast start: dist/npm/main.js, every module of mc in one
// CommonJS file with its bytecode beside it (main.js.jsc), which Bun loads
// without parsing. Bun on the sources spends ~60 ms parsing them per start;
// ES-module bytecode needs --compile, hence CommonJS. cli/mc runs it while no
// source file is newer. The model runtime stays in node_modules (external):
// it loads only when a model component is used.
//   bun cli/build/bundle.ts          (run by `npm run build` and npm's `prepare`)

import { rmSync, statSync } from 'node:fs'
import { resolve } from 'node:path'

const ROOT = resolve(import.meta.dir, '../..')
const OUTDIR = resolve(ROOT, 'dist/npm')

async function bundle(): Promise<void> {
  const started = performance.now()
  rmSync(OUTDIR, { recursive: true, force: true })
  const result = await Bun.build({
    entrypoints: [resolve(ROOT, 'cli/main.ts')],
    outdir: OUTDIR,
    target: 'bun',
    format: 'cjs',
    bytecode: true,
    minify: true,
    external: ['@huggingface/transformers', 'onnxruntime-node', 'sharp'],
    // core/process/compiled.ts: how mc runs itself again.
    define: { MC_BUNDLED: 'true' },
    throw: false,
  })
  if (!result.success) throw new Error(result.logs.map((log) => log.message).join('; '))
  const bytes = result.outputs.reduce((sum, output) => sum + statSync(output.path).size, 0)
  console.log(`bundled ${OUTDIR}/main.js: ${(bytes / 1024 / 1024).toFixed(1)} MB with bytecode in ${((performance.now() - started) / 1000).toFixed(1)} s`)
}

bundle().catch((error: unknown) => {
  console.error(`bundle failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})

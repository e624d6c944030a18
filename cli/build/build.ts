// `npm run build`: the single executable, local-model runtime included.
//   bun cli/build/build.ts [--target bun-linux-x64] [--outfile dist/mc]
// The target defaults to this machine's; its onnxruntime-node native files are
// embedded (native-runtime-plugin.ts). Prints what it made; a failure is one
// line and exit code 1.

import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { nativeRuntimePlugin } from './native-runtime-plugin.ts'
import { hostTarget, resolveTarget } from './target.ts'

const ROOT = resolve(import.meta.dir, '../..')

async function build(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { target: { type: 'string' }, outfile: { type: 'string' } }, strict: true })
  const target = resolveTarget(values.target ?? hostTarget(), ROOT)
  const outfile = resolve(values.outfile ?? resolve(ROOT, 'dist/mc'))
  const native = nativeRuntimePlugin(ROOT, target)
  const started = performance.now()
  const result = await Bun.build({
    entrypoints: [resolve(ROOT, 'cli/main.ts')],
    compile: {
      target: target.bun,
      outfile,
      // Plugins loaded from disk at run time resolve packages through package.json (main, exports).
      autoloadPackageJson: true,
      // mc reads .env itself, from the compose file's folder (cli/invocation/env.ts).
      autoloadDotenv: false,
    },
    // Bytecode: `mc --version` in ~25 ms instead of ~90 (NOTES.md); it needs ES modules.
    bytecode: true,
    minify: true,
    format: 'esm',
    plugins: [native.plugin],
    throw: false,
  })
  if (!result.success) throw new Error(result.logs.map((log) => log.message).join('; '))
  const unapplied = native.unapplied()
  if (unapplied.length) throw new Error(`the build did not bundle the file to edit (a dependency changed: update cli/build/native-runtime-plugin.ts): ${unapplied.join('; ')}`)
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  const made = result.outputs[0]?.path ?? outfile // Windows: Bun adds .exe
  const megabytes = (statSync(made).size / 1024 / 1024).toFixed(1)
  console.log(`built ${made} for ${target.bun}: ${megabytes} MB in ${seconds} s (onnxruntime from ${target.nativeDir})`)
}

build(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`build failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})

// `npm run plugin-types`: what a plugin's author installs to write a plugin
// against `mc/plugin` — a package named `mc` holding only the declarations of
// core/plugin/api.ts and a package.json, packed to a .tgz that installs in
// seconds, offline from npm's cache (the whole mc package brings
// onnxruntime-node and transformers.js: ~900 MB, for types). Its dependencies
// are the packages the declarations import (TypeBox, for `Type`), at the
// ranges mc itself uses. The running mc lends the module itself
// (cli/invocation/host-modules.ts): a plugin never bundles it.
//   bun cli/build/plugin-types.ts [--outdir dist]
// Writes OUTDIR/plugin-types/ and OUTDIR/mc-plugin-types-VERSION.tgz; prints the path.

import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'

const ROOT = resolve(import.meta.dir, '../..')
const API = 'core/plugin/api.ts'
const host = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> }

async function run(argv: string[], cwd: string): Promise<string> {
  const proc = Bun.spawn(argv, { cwd, stdout: 'pipe', stderr: 'pipe' })
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  if (code !== 0) throw new Error(`${argv.slice(0, 2).join(' ')} failed (${code}): ${(stderr || stdout).trim().split('\n').slice(0, 5).join(' | ')}`)
  return stdout
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]))
}

/**
 * The declarations tsc emits keep the sources' `./x.ts` import paths; as `.js`
 * they resolve in any plugin's tsconfig. Returns the packages they import.
 */
function rewriteDeclarations(dir: string): Set<string> {
  const imported = new Set<string>()
  for (const file of filesUnder(dir)) {
    const text = readFileSync(file, 'utf8').replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\.ts\2/g, '$1$2$3.js$2')
    for (const [, specifier] of text.matchAll(/(?:from\s+|import\()['"]([^'".][^'"]*)['"]/g)) {
      if (!specifier!.startsWith('node:')) imported.add(specifier!.startsWith('@') ? specifier!.split('/').slice(0, 2).join('/') : specifier!.split('/')[0]!)
    }
    writeFileSync(file, text)
  }
  return imported
}

function manifest(imported: Set<string>): object {
  const dependencies = Object.fromEntries(
    [...imported].sort().map((name) => {
      const range = host.dependencies[name]
      if (!range) throw new Error(`the declarations import "${name}", which is not among mc's dependencies`)
      return [name, range]
    }),
  )
  return {
    name: 'mc',
    version: host.version,
    description: "mc's plugin API (mc/plugin), types only: for writing a plugin. The running mc provides the module itself.",
    type: 'module',
    types: './plugin.d.ts',
    exports: { './plugin': { types: './types/core/plugin/api.d.ts' }, './package.json': './package.json' },
    dependencies,
  }
}

async function pluginTypes(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { outdir: { type: 'string' } }, strict: true })
  const outdir = resolve(values.outdir ?? join(ROOT, 'dist'))
  const pkg = join(outdir, 'plugin-types')
  rmSync(pkg, { recursive: true, force: true })
  mkdirSync(pkg, { recursive: true })
  const tsc = join(ROOT, 'node_modules/.bin/tsc')
  const flags = ['--declaration', '--emitDeclarationOnly', '--rootDir', '.', '--target', 'esnext', '--module', 'preserve', '--moduleResolution', 'bundler', '--allowImportingTsExtensions', '--types', 'bun-types', '--skipLibCheck', '--strict']
  await run([tsc, '--ignoreConfig', API, ...flags, '--outDir', join(pkg, 'types')], ROOT)
  const imported = rewriteDeclarations(join(pkg, 'types'))
  // Module resolution that ignores `exports` (tsconfig "moduleResolution": "node") finds mc/plugin here.
  writeFileSync(join(pkg, 'plugin.d.ts'), "export * from './types/core/plugin/api.js'\n")
  writeFileSync(join(pkg, 'package.json'), `${JSON.stringify(manifest(imported), null, 2)}\n`)
  const [packed] = JSON.parse(await run(['npm', 'pack', '--json', '--pack-destination', outdir], pkg)) as { filename: string; entryCount: number; size: number }[]
  const tgz = join(outdir, `mc-plugin-types-${host.version}.tgz`)
  renameSync(join(outdir, packed!.filename), tgz)
  const shown = relative(process.cwd(), tgz).startsWith('..') ? tgz : relative(process.cwd(), tgz)
  console.log(`packed ${shown}: ${packed!.entryCount} files, ${(statSync(tgz).size / 1024).toFixed(0)} kB; in a plugin's folder: npm install -D ${tgz} bun-types`)
}

pluginTypes(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`plugin-types failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})

// Plugins, built-in (plugins/) and third-party (examples/plugins/), import mc
// only through its plugin API: core/plugin/api.ts, which an outside plugin
// names `mc/plugin`. Any other path into core/ or cli/ (or any other `mc/...`
// subpath) ties a plugin to mc's insides. The files are read as text:
// static `import … from`, `export … from`, `import '…'`, `import('…')` and
// `require('…')`,
// type-only imports included; each offence is named file:line.

import { expect, test } from 'bun:test'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const ROOT = resolve(import.meta.dir, '../..')
const PLUGIN_FOLDERS = ['plugins', 'examples/plugins']
const API = join(ROOT, 'core/plugin/api.ts')
const API_PACKAGE = 'mc/plugin'
const INSIDES = ['core', 'cli'].map((folder) => join(ROOT, folder) + '/')
/** mc's package names: `mc` in the examples' workspace, `mc-compose` on npm. */
const MC_PACKAGE = /^mc(-compose)?(\/|$)/

const SPECIFIERS = [
  // import x from, import type { X } from, import * as x from, export { x } from, export * from
  /^[ \t]*(?:import|export)(?:\s+type)?(?:\s+[\w$]+\s*,?)?(?:\s*\{[^}]*\}|\s*\*(?:\s*as\s+[\w$]+)?)?\s*from\s*(['"])([^'"\n]+)\1/gm,
  // import './side-effect.ts'
  /^[ \t]*import\s*(['"])([^'"\n]+)\1/gm,
  // import('./module.ts')
  /\bimport\s*\(\s*(['"`])([^'"`\n]+)\1/g,
  // require('package')
  /\brequire\s*\(\s*(['"`])([^'"`\n]+)\1/g,
]

interface Import {
  specifier: string
  line: number
}

/** Every import specifier written in a source text, with its line. */
function importsOf(text: string): Import[] {
  return SPECIFIERS.flatMap((pattern) =>
    [...text.matchAll(pattern)].map((match) => ({ specifier: match[2]!, line: text.slice(0, match.index + match[0].indexOf(match[2]!)).split('\n').length })),
  ).sort((a, b) => a.line - b.line)
}

/** Why an import of this file reaches past the plugin API, or undefined when it does not. */
function offence(file: string, specifier: string): string | undefined {
  if (MC_PACKAGE.test(specifier)) return specifier === API_PACKAGE ? undefined : `imports ${specifier} (mc only as ${API_PACKAGE})`
  if (!specifier.startsWith('.') && !specifier.startsWith('/')) return undefined
  const target = resolve(dirname(file), specifier)
  if (target === API || !INSIDES.some((inside) => target.startsWith(inside))) return undefined
  return `imports ${relative(ROOT, target)} (mc only through core/plugin/api.ts or ${API_PACKAGE})`
}

/** The source files under a folder, built bundles and dependencies left out. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'dist' ? [] : sourceFiles(path)
    return /\.[cm]?[jt]sx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : []
  })
}

const files = PLUGIN_FOLDERS.flatMap((folder) => sourceFiles(join(ROOT, folder)))

test('the scanner reads every form of import, type-only and multi-line ones too', () => {
  const text = [
    "import type { Logger } from '../core/log.ts'",
    'import {',
    '  a,',
    '  type B,',
    "} from '../core/a.ts'",
    "export { c } from 'mc/plugin'",
    "export * as d from '../core/d.ts'",
    "import '../core/side.ts'",
    'const e = () => import("../core/e.ts")',
    "// import { f } from '../core/comment.ts'",
    "const g = require('../core/g.ts')",
  ].join('\n')
  expect(importsOf(text)).toEqual([
    { specifier: '../core/log.ts', line: 1 },
    { specifier: '../core/a.ts', line: 5 },
    { specifier: 'mc/plugin', line: 6 },
    { specifier: '../core/d.ts', line: 7 },
    { specifier: '../core/side.ts', line: 8 },
    { specifier: '../core/e.ts', line: 9 },
    { specifier: '../core/g.ts', line: 11 },
  ])
})

test('the scanner misses none of the imports Bun sees in the plugin files', () => {
  expect(files.length).toBeGreaterThan(10)
  const transpiler = new Bun.Transpiler({ loader: 'ts' })
  const missed = files.flatMap((file) => {
    const text = readFileSync(file, 'utf8')
    const seen = new Set(importsOf(text).map((i) => i.specifier))
    return transpiler
      .scanImports(text)
      .filter((i) => !seen.has(i.path))
      .map((i) => `${relative(ROOT, file)}: ${i.path}`)
  })
  expect(missed).toEqual([])
})

test('plugins import mc only through its plugin API (core/plugin/api.ts, mc/plugin)', () => {
  const offences = files.flatMap((file) =>
    importsOf(readFileSync(file, 'utf8')).flatMap(({ specifier, line }) => {
      const why = offence(file, specifier)
      return why ? [`${relative(ROOT, file)}:${line}: ${why}`] : []
    }),
  )
  expect(offences).toEqual([])
})

// Writing a plugin outside mc (issue 24, point 6), as an author does: `npm
// init -y`, the types-only package (`npm run plugin-types`) installed offline
// from npm's cache with bun-types, the README's plugin typechecked by tsc
// (a type error reported at its line), then loaded by mc, which lends it
// `mc/plugin`. npm's default `"main": "index.js"` beside a differently named
// entry fails in one line naming the folder, the missing file and the fix.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCommand } from '../support/binary.ts'
import { ROOT } from '../support/mc.ts'

const TSC = join(ROOT, 'node_modules/.bin/tsc')
const LAUNCHER = join(ROOT, 'cli/mc')
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version

/** The README's plugin ("Writing a plugin"). */
const PLUGIN = `import { ConfigurationError, defineComponentPlugin, Type } from 'mc/plugin'

export default defineComponentPlugin<Record<string, never>, { text: string }>({
  type: 'shout',
  action: Type.Object({ text: Type.String() }),
  defaultOutput: '\${result}',
  checkAction(action) {
    if (action.text === '') throw new ConfigurationError('may not be empty', ['text'])
  },
  create: () => ({ run: async (action) => ({ result: action.text.toUpperCase() + '!' }) }),
})
`
const TSCONFIG = JSON.stringify({ compilerOptions: { target: 'ESNext', module: 'Preserve', moduleResolution: 'bundler', types: ['bun-types'], strict: true, noEmit: true, skipLibCheck: true } })
const COMPOSE = 'plugins: [./mc-plugin-shout]\ncomponent:\n  type: shout\n  text: hello\n'

let work: string
let outdir: string
let plugin: string
const env = () => ({ ...(process.env as Record<string, string>) })
const sh = (argv: string[], cwd: string) => runCommand(argv, cwd, env())

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mc-plugin-types-'))
  outdir = join(work, 'out')
  plugin = join(work, 'mc-plugin-shout')
  mkdirSync(plugin)
})
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('the types-only package', () => {
  test('plugin-types packs mc/plugin’s declarations alone: package.json, .d.ts files, TypeBox as a dependency', async () => {
    const built = await sh([process.execPath, join(ROOT, 'cli/build/plugin-types.ts'), '--outdir', outdir], ROOT)
    expect(built).toMatchObject({ code: 0, stderr: '' })
    const tgz = join(outdir, `mc-plugin-types-${VERSION}.tgz`)
    expect(built.stdout).toContain(`packed ${tgz}:`)
    const listing = (await sh(['tar', '-tzf', tgz], work)).stdout.trim().split('\n')
    expect(listing).toContain('package/package.json')
    expect(listing).toContain('package/types/core/plugin/api.d.ts')
    expect(listing.filter((path) => !path.endsWith('.d.ts') && path !== 'package/package.json')).toEqual([])
    const manifest = JSON.parse(readFileSync(join(outdir, 'plugin-types/package.json'), 'utf8'))
    expect(manifest).toMatchObject({ name: 'mc', version: VERSION, exports: { './plugin': { types: './types/core/plugin/api.d.ts' } } })
    expect(Object.keys(manifest.dependencies)).toContain('@sinclair/typebox')
    expect(manifest.dependencies).not.toHaveProperty('onnxruntime-node')
  })

  test('npm init -y, then npm install --offline of it and bun-types: a few MB, from the cache', async () => {
    expect((await sh(['npm', 'init', '-y'], plugin)).code).toBe(0)
    writeFileSync(join(plugin, 'shout.ts'), PLUGIN)
    writeFileSync(join(plugin, 'tsconfig.json'), TSCONFIG)
    const started = performance.now()
    const install = await sh(['npm', 'install', '--offline', '--no-audit', '--no-fund', '-D', join(outdir, `mc-plugin-types-${VERSION}.tgz`), 'bun-types'], plugin)
    expect(install.stderr.split('\n').filter((line) => /ERR/.test(line))).toEqual([])
    expect(install.code).toBe(0)
    const megabytes = Number((await sh(['du', '-sm', 'node_modules'], plugin)).stdout.split('\t')[0])
    console.log(`npm install --offline: ${megabytes} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    expect(megabytes).toBeLessThan(60) // the whole mc package: ~900 MB
    expect(existsSync(join(plugin, 'node_modules/mc/types/core/plugin/api.d.ts'))).toBe(true)
  }, 120_000)

  test('tsc typechecks the plugin, and reports a type error at its line', async () => {
    expect(await sh([TSC, '--noEmit', '-p', '.'], plugin)).toMatchObject({ code: 0, stdout: '' })
    writeFileSync(join(plugin, 'shout.ts'), PLUGIN.replace('action.text.toUpperCase()', 'action.txt.toUpperCase()'))
    const failed = await sh([TSC, '--noEmit', '-p', '.'], plugin)
    writeFileSync(join(plugin, 'shout.ts'), PLUGIN)
    expect(failed.code).not.toBe(0)
    expect(failed.stdout).toContain("shout.ts(10,61): error TS2551: Property 'txt' does not exist on type '{ text: string; }'.")
  })
})

describe('a plugin folder’s entry', () => {
  test('npm’s default "main": "index.js" that does not exist: one line naming the folder, the file and the fix', async () => {
    writeFileSync(join(work, 'compose.yml'), COMPOSE)
    const result = await sh([LAUNCHER, 'run'], work)
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(
      `mc | error: compose.yml:1:11: plugins[0]: cannot load plugin "./mc-plugin-shout": plugin folder ${plugin}: package.json "main" is "index.js", which does not exist; set "main" to the plugin's entry file (the folder has shout.ts), or build index.js there\n`,
    )
  })

  test('with "main" set to its entry, mc runs the plugin, lending it mc/plugin', async () => {
    const manifest = JSON.parse(readFileSync(join(plugin, 'package.json'), 'utf8'))
    writeFileSync(join(plugin, 'package.json'), JSON.stringify({ ...manifest, main: 'shout.ts' }))
    const result = await sh([LAUNCHER, 'run'], work)
    expect(result).toMatchObject({ code: 0, stdout: 'HELLO!\n' })
  })

  test('no main and no index file, "exports" naming nothing, a broken package.json: each one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-plugin-entry-'))
    try {
      writeFileSync(join(dir, 'compose.yml'), COMPOSE)
      mkdirSync(join(dir, 'mc-plugin-shout'))
      writeFileSync(join(dir, 'mc-plugin-shout/shout.ts'), PLUGIN)
      const folder = join(dir, 'mc-plugin-shout')
      const errorFor = async (manifest: string) => {
        writeFileSync(join(folder, 'package.json'), manifest)
        const result = await sh([LAUNCHER, 'validate'], dir)
        expect(result.code).toBe(1)
        expect(result.stderr.split('\n')).toHaveLength(2) // one line
        return result.stderr.replace('mc | error: compose.yml:1:11: plugins[0]: cannot load plugin "./mc-plugin-shout": ', '').trim()
      }
      expect(await errorFor('{"name": "mc-plugin-shout"}')).toBe(`plugin folder ${folder} has no index.ts or index.js; set "main" in its package.json to the plugin's entry file (the folder has shout.ts)`)
      expect(await errorFor('{"name": "mc-plugin-shout", "exports": "./dist/index.js"}')).toBe(`plugin folder ${folder}: package.json "exports" names no file that exists; point it at the plugin's entry file (the folder has shout.ts)`)
      expect(await errorFor('{"name": ')).toBe(`${folder}/package.json is not a JSON object`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

// Third-party plugins in every form a `plugins:` entry may name — a .ts file, a
// folder with its own package.json and node_modules, a package name resolved
// from the compose file's folder, a prebuilt ESM bundle — importing the host's
// API as `mc/plugin` and the host's transformers.js, under Bun (the npm route)
// and in the compiled binary copied alone into an empty folder.
import { describe, expect, test } from 'bun:test'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { loadCompose } from '../../core/compose/load.ts'
import { PluginRegistry } from '../../core/plugin/registry.ts'
import { builtinPlugins } from '../../plugins/index.ts'
import { binaryFolder, runCommand } from '../support/binary.ts'
import { composeDir, MC } from '../support/mc.ts'

/** A component type `NAME` whose result is `transform(text)`; `bad` as text is refused at load. */
const pluginSource = (type: string, imports: string, transform: string) => `
import { ConfigurationError, Type, defineComponentPlugin } from 'mc/plugin'
${imports}
export default defineComponentPlugin({
  type: ${JSON.stringify(type)},
  action: Type.Object({ text: Type.String() }),
  defaultOutput: '\${result}',
  checkAction(action) {
    if (action.text === 'bad') throw new ConfigurationError('"bad" is not a text for ${type}', ['text'])
  },
  create: () => ({ async run(action) { return { result: ${transform} } } }),
})
`

/** A package folder: package.json plus files. */
function writePackage(dir: string, manifest: object, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest))
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
}

const COMPOSE = `
plugins: [./shout.ts, ./reverse-plugin, mc-plugin-count, ./dist/wrap.mjs]
workflow:
  output: \${output}
  jobs:
    - id: shout
      component: shout
    - id: reverse
      component: reverse
      input: { text: "\${jobs.shout.output}" }
      depends_on: [shout]
    - id: count
      component: count
      input: { text: "\${jobs.reverse.output}" }
      depends_on: [reverse]
    - id: wrap
      component: wrap
      input: { text: "\${jobs.count.output}" }
      depends_on: [count]
components:
  - { id: shout, type: shout, text: "\${input.text}" }
  - { id: reverse, type: reverse, text: "\${input.text}" }
  - { id: count, type: count, text: "\${input.text}" }
  - { id: wrap, type: wrap, text: "\${input.text}" }
`

/** A project folder using the four plugin forms, each with dependencies of its own. */
async function pluginProject(): Promise<string> {
  const dir = composeDir({ 'compose.yml': COMPOSE })
  // A .ts file importing a package of the project's node_modules (reached through `exports`) and the host's transformers.js.
  writeFileSync(
    join(dir, 'shout.ts'),
    pluginSource('shout', "import { shout } from 'shout-case'\nimport { env } from '@huggingface/transformers'", "shout(action.text) + (typeof env.allowRemoteModels === 'boolean' ? '+tf' : '-tf')"),
  )
  writePackage(join(dir, 'node_modules/shout-case'), { name: 'shout-case', type: 'module', exports: { '.': { import: './esm/index.js' } } }, {
    'esm/index.js': "export const shout = (s) => s.toUpperCase() + '!'",
  })
  // A folder with its own package.json (`exports`) and its own node_modules (a package reached through `main`).
  writePackage(join(dir, 'reverse-plugin'), { name: 'reverse-plugin', type: 'module', exports: './src/plugin.js' }, {
    'src/plugin.js': pluginSource('reverse', "import reverse from 'reverse-text'", 'reverse(action.text)'),
  })
  writePackage(join(dir, 'reverse-plugin/node_modules/reverse-text'), { name: 'reverse-text', main: 'lib/reverse.js' }, {
    'lib/reverse.js': "module.exports = (s) => [...s].reverse().join('')",
  })
  // A package name, resolved from the compose file's folder.
  writePackage(join(dir, 'node_modules/mc-plugin-count'), { name: 'mc-plugin-count', type: 'module', main: 'index.js' }, {
    'index.js': pluginSource('count', '', '`${action.text} (${action.text.length})`'),
  })
  // A single prebuilt ESM file, bundled the way an author ships one: `mc/plugin` left to the host.
  writeFileSync(join(dir, 'wrap-src.ts'), pluginSource('wrap', "import { camel } from 'shout-case/camel'", '`[${camel(action.text)}]`'))
  writeFileSync(join(dir, 'node_modules/shout-case/camel.js'), "export const camel = (s) => s.replace(/ /g, '_')")
  writePackage(join(dir, 'node_modules/shout-case'), { name: 'shout-case', type: 'module', exports: { '.': { import: './esm/index.js' }, './camel': './camel.js' } }, {})
  const bundle = await Bun.build({ entrypoints: [join(dir, 'wrap-src.ts')], outdir: join(dir, 'dist'), naming: 'wrap.mjs', target: 'bun', format: 'esm', external: ['mc/plugin'] })
  expect(bundle.success).toBe(true)
  return dir
}

const EXPECTED = '[ft+!OLLEH_(9)]'

describe.each([
  ['under Bun (the npm route)', async () => ({ mc: MC, env: { ...process.env } as Record<string, string> })],
  [
    'in the compiled binary, alone in an empty folder, bare environment',
    async () => {
      const folder = await binaryFolder()
      return { mc: [folder.mc], env: folder.env() }
    },
  ],
])('plugins from disk, %s', (_, setup) => {
  test('a file, a folder, a package name and a prebuilt bundle each provide a type, with their own dependencies', async () => {
    const { mc, env } = await setup()
    const dir = await pluginProject()
    const result = await runCommand([...mc, 'run', '-i', '{"text": "hello"}'], dir, env)
    expect(result.stderr).toBe('')
    expect(result.stdout.trim()).toBe(EXPECTED)
  }, 120_000)

  test("a plugin's ConfigurationError is the host's: the error points at the line", async () => {
    const { mc, env } = await setup()
    const dir = await pluginProject()
    writeFileSync(join(dir, 'compose.yml'), COMPOSE.replace('{ id: count, type: count, text: "${input.text}" }', '{ id: count, type: count, text: bad }'))
    const result = await runCommand([...mc, 'validate'], dir, env)
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('mc | error: compose.yml:23:37: components[2].text: "bad" is not a text for count\n')
  }, 120_000)
})

test('built-in plugins are imported only for the types a file uses', async () => {
  const imported: string[] = []
  const registry = new PluginRegistry()
  for (const [type, load] of Object.entries(builtinPlugins)) registry.provide(type, () => (imported.push(type), load()))
  const dir = composeDir({ 'compose.yml': 'component:\n  type: shell\n  command: [echo, hi]\n' })
  const { model } = await loadCompose({ files: [], env: {}, registry, cwd: dir })
  expect([...model.components.values()].map((c) => c.type)).toEqual(['shell'])
  expect(imported).toEqual(['shell'])
  // Every type still counts as known: a typo lists them all.
  const typo = composeDir({ 'compose.yml': 'component:\n  type: modle\n' })
  expect(loadCompose({ files: [], env: {}, registry, cwd: typo })).rejects.toThrow(/agent, data-queue, datasets, file-store, http-client, http-server, key-value-store, mcp-client, mcp-server, model, model-tokenizer, search-engine, sentence-splitter, shell, text-splitter, vector-store, web-browser, web-scraper, workflow/)
})

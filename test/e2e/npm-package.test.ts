// The npm package as a user gets it: `npm pack` of this tree installed into an
// empty project — as the `mc` command (the npm bin on the bytecode bundle,
// relocated to a folder it was not built in) and, under the alias a plugin
// author uses, as `mc/plugin`'s type declarations.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCommand } from '../support/binary.ts'
import { ROOT } from '../support/mc.ts'

let project: string
let env: Record<string, string>

/** `npm ARGS...` in `cwd`; throws with npm's output when it fails. */
async function npm(args: string[], cwd: string): Promise<void> {
  const result = await runCommand(['npm', ...args], cwd, env)
  if (result.code !== 0) throw new Error(`npm ${args.join(' ')} failed (${result.code}):\n${result.stderr}${result.stdout}`)
}

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'mc-npm-user-'))
  // onnxruntime-node's install script fetches GPU extras from a host these machines cannot reach (cli/README.md, "Installing it").
  env = { ...(process.env as Record<string, string>), npm_config_onnxruntime_node_install: 'skip', npm_config_audit: 'false', npm_config_fund: 'false' }
  await npm(['pack', '--pack-destination', project], ROOT)
  const tarball = readdirSync(project).find((name) => name.endsWith('.tgz'))!
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0', private: true, type: 'module' }))
  // The command, and what a plugin author installs: the same package under the alias mc (node_modules/mc), and Bun's types.
  await npm(['install', '--prefer-offline', `./${tarball}`, `mc@file:./${tarball}`, 'bun-types@1.4.5'], project)
}, 300_000)
afterAll(() => rmSync(project, { recursive: true, force: true }))

const mc = (args: string[]) => runCommand([join(project, 'node_modules/.bin/mc'), ...args], project, env)

test('the installed mc runs a shell workflow and a local model from the bytecode bundle', async () => {
  expect((await mc(['--version'])).stdout).toMatch(/^mc \d+\.\d+\.\d+\n$/)
  writeFileSync(join(project, 'shell.yml'), 'workflow:\n  output: ${output}\ncomponent:\n  type: shell\n  command: [echo, "hi ${input.name}"]\n  output: ${stdout}\n')
  const shell = await mc(['run', '-f', 'shell.yml', '-i', '{"name": "npm"}'])
  expect(shell.stderr).toBe('')
  expect(shell.stdout).toBe('hi npm\n')
  cpSync(join(ROOT, 'test/fixtures/models/tiny-gpt2'), join(project, 'tiny-gpt2'), { recursive: true })
  writeFileSync(join(project, 'model.yml'), 'component:\n  type: model\n  task: text-generation\n  model: ./tiny-gpt2\n  text: ${input.prompt}\n  params:\n    max_output_length: 12\n')
  const model = await mc(['run', '-f', 'model.yml', '-i', '{"prompt": "hi"}'])
  expect(model.code).toBe(0)
  expect(model.stdout).toContain('token')
}, 60_000)

test("a plugin author's project type-checks against mc/plugin and runs its plugin on the installed mc", async () => {
  writeFileSync(
    join(project, 'upper.ts'),
    `import { ConfigurationError, Type, defineComponentPlugin } from 'mc/plugin'
export default defineComponentPlugin<Record<string, never>, { text: string }>({
  type: 'upper',
  action: Type.Object({ text: Type.String() }),
  defaultOutput: '\${result}',
  checkAction(action) {
    if (action.text === '') throw new ConfigurationError('may not be empty', ['text'])
  },
  create: () => ({ run: async (action) => ({ result: action.text.toUpperCase() }) }),
})
`,
  )
  writeFileSync(join(project, 'plugin.yml'), 'plugins: [./upper.ts]\nworkflow:\n  output: ${output}\ncomponent:\n  type: upper\n  text: ${input.text}\n')
  const ran = await mc(['run', '-f', 'plugin.yml', '-i', '{"text": "plugin"}'])
  expect(ran.stderr).toBe('')
  expect(ran.stdout.trim()).toBe('PLUGIN')
  // The declarations shipped in the package type the API: a wrong type is caught.
  const tsc = [join(ROOT, 'node_modules/.bin/tsc'), '--noEmit', '--strict', '--module', 'preserve', '--moduleResolution', 'bundler', '--target', 'esnext', '--skipLibCheck', '--types', 'bun-types']
  expect((await runCommand([...tsc, 'upper.ts'], project, env)).stdout).toBe('')
  writeFileSync(join(project, 'wrong.ts'), "import { defineComponentPlugin, Type } from 'mc/plugin'\nexport default defineComponentPlugin({ type: 1, action: Type.Object({}), defaultOutput: '', create: () => ({ run: async () => ({}) }) })\n")
  expect((await runCommand([...tsc, 'wrong.ts'], project, env)).stdout).toContain("Type 'number' is not assignable to type 'string'")
}, 60_000)

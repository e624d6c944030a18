// Third-party component plugins: a module named under `plugins:` in the compose
// file, loaded at run time, used exactly like the built-in types.
import { expect, test } from 'bun:test'
import { join } from 'node:path'
import { composeDir, ROOT, runMc } from '../support/mc.ts'

const plugin = (root: string) => `
import { Type } from ${JSON.stringify(join(root, 'node_modules/@sinclair/typebox/build/esm/index.mjs'))}

// A component type that streams the words of its text, one chunk each.
export default {
  type: 'word-stream',
  settings: Type.Object({ prefix: Type.Optional(Type.String()) }),
  action: Type.Object({ text: Type.Optional(Type.String()), delay_ms: Type.Optional(Type.Number()) }),
  defaultOutput: '\${result[]}',
  create(settings) {
    return {
      async run(action, { signal }) {
        async function* words() {
          for (const word of String(action.text).split(' ')) {
            signal.throwIfAborted()
            await new Promise((r) => setTimeout(r, action.delay_ms ?? 0))
            yield (settings.prefix ?? '') + word
          }
        }
        return { result: words() }
      },
    }
  },
}
`

test('a plugin module listed under plugins: provides a component type, streaming included', async () => {
  const dir = composeDir({
    'word-stream.mjs': plugin(ROOT),
    'compose.yml': `
plugins: [./word-stream.mjs]
workflow:
  output: \${output as text;sse-text}
component:
  type: word-stream
  prefix: "<"
  text: \${input.text as text}
  delay_ms: 10
`,
  })
  const result = await runMc(['run', '-i', '{"text": "a b c"}'], { cwd: dir })
  expect(result.stderr).toBe('')
  expect(result.stdout).toBe('<a<b<c\n')
  // Its schemas are enforced like a built-in's.
  const bad = composeDir({ 'word-stream.mjs': plugin(ROOT), 'compose.yml': 'plugins: [./word-stream.mjs]\ncomponent:\n  type: word-stream\n  txet: x\n' })
  const invalid = await runMc(['validate'], { cwd: bad })
  expect(invalid.stderr).toBe('mc | error: compose.yml:4:3: component.txet: unknown key "txet" for a word-stream component\n')
})

test('a plugin that cannot be loaded is one line naming it', async () => {
  const dir = composeDir({ 'compose.yml': 'plugins: [./missing.mjs]\n' })
  const result = await runMc(['validate'], { cwd: dir })
  expect(result.code).toBe(1)
  expect(result.stderr).toMatch(/^mc \| error: compose\.yml:1:11: plugins\[0\]: cannot load plugin "\.\/missing\.mjs": .+\n$/)
})

// Load errors quote the file's own keys (`component.action.heders`), not the
// normalised ones mc reads (`components[0].actions[0].heders`); a workflow
// that writes out its `input:` has its input names checked at load.
import { describe, expect, test } from 'bun:test'
import { loadCompose } from '../../core/compose/load.ts'
import { PluginRegistry } from '../../core/plugin/registry.ts'
import { registerBuiltins } from '../../plugins/index.ts'
import { composeDir } from '../support/mc.ts'

async function loadError(text: string): Promise<string> {
  const registry = new PluginRegistry()
  registerBuiltins(registry)
  try {
    await loadCompose({ files: [], env: {}, registry, cwd: composeDir({ 'compose.yml': text }) })
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('the file loaded')
}

const HTTP = 'type: http-client\n    base_url: http://127.0.0.1:1\n'

describe('key paths as the file writes them', () => {
  test('a lone component with a lone action', async () => {
    const text = `component:\n  type: http-client\n  base_url: http://127.0.0.1:1\n  action:\n    path: /x\n    heders: { a: b }\n`
    expect(await loadError(text)).toBe('compose.yml:6:5: component.action.heders: unknown key "heders"')
  })

  test('components as a map of id to component', async () => {
    const text = `components:\n  chat:\n    ${HTTP}    action:\n      path: /x\n      heders: { a: b }\n`
    expect(await loadError(text)).toBe('compose.yml:7:7: components.chat.action.heders: unknown key "heders"')
  })

  test('a list stays a list', async () => {
    const text = `components:\n  - id: chat\n    ${HTTP}    actions:\n      - id: a\n        heders: { a: b }\n`
    expect(await loadError(text)).toBe('compose.yml:7:9: components[0].actions[0].heders: unknown key "heders"')
  })

  test('a lone job written inline in a lone workflow', async () => {
    const text = 'component:\n  type: shell\n  command: [echo]\nworkflow:\n  job:\n    component: __default__\n    bogus: 1\n'
    expect(await loadError(text)).toBe('compose.yml:7:5: workflow.job.bogus: unknown key "bogus"')
  })

  test('a binding error in a job of workflows written as a map', async () => {
    const text = 'component:\n  type: shell\n  command: [echo]\nworkflows:\n  main:\n    jobs:\n      - id: a\n        input: "${inptu.x}"\n'
    expect(await loadError(text)).toMatch(/^compose\.yml:8:16: workflows\.main\.jobs\[0\]\.input: bad binding "\$\{inptu\.x\}": unknown binding "inptu"/)
  })
})

describe('a workflow that declares its input', () => {
  const file = (read: string) => `
component:
  type: shell
  command: [echo, "\${input.p}"]
  output: \${stdout}
workflow:
  input:
    prompt: \${input.prompt}
    n: \${input.n as integer | 1}
  job:
    component: __default__
    input: { p: "${read}" }
`

  test('a name it does not declare is refused at load, with did-you-mean', async () => {
    expect(await loadError(file('${input.promt}'))).toBe('compose.yml:12:17: input.promt: the workflow\'s input has no "promt" (did you mean input.prompt?) (its input: prompt, n)')
  })

  test('a read with a default may mean "when given": not refused', async () => {
    const registry = new PluginRegistry()
    registerBuiltins(registry)
    const { model } = await loadCompose({ files: [], env: {}, registry, cwd: composeDir({ 'compose.yml': file('${input.extra | none}') }) })
    expect([...model.workflows.keys()]).toEqual(['__default__'])
  })
})

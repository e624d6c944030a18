// What a component's keys name of the same file — an agent's tools and model,
// a workflow component's workflow, a third-party plugin's own references — is
// checked by `mc validate`: an unknown one is one line naming file:line:col,
// exit non-zero; an id a binding gives is left to run time.
import { describe, expect, test } from 'bun:test'
import { composeDir, runMc } from '../support/mc.ts'

/** `mc validate` on one compose file (and any extra files). */
async function validate(text: string, files: Record<string, string> = {}) {
  return runMc(['validate', '-f', 'compose.yml'], { cwd: composeDir({ 'compose.yml': text, ...files }) })
}

/** The one-line error `mc validate` gives, after checking it exits 1 with nothing on stdout. */
async function refusal(text: string, files: Record<string, string> = {}): Promise<string> {
  const result = await validate(text, files)
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 1, stdout: '' })
  expect(result.stderr.split('\n')).toHaveLength(2) // one line, then the final newline
  return result.stderr.replace(/^mc \| error: /, '').trimEnd()
}

const WORKFLOWS = `workflows:
  - id: main
    job: { component: agent, input: { question: "\${input.question}" } }
  - id: search-web
    private: true
    job: { type: filter, output: "\${input.query}" }
`

/** An agent (component 0, its keys from line 8) over a model component `gpt` with two actions, `chat` the default. */
const agentFile = (keys: string, gptDefault = 'default: true') => `${WORKFLOWS}components:
  - id: agent
    type: agent
${keys}
    action:
      prompt: \${input.question}
  - id: gpt
    type: shell
    actions:
      - { id: chat, command: [echo, chat], ${gptDefault} }
      - { id: embed, command: [echo, embed] }
`

const MODEL = '    model: { component: gpt, input: { messages: "${messages}" } }'

describe('an agent', () => {
  test('naming tools and a model the file has: ok', async () => {
    const result = await validate(agentFile(`${MODEL}\n    tools: [search-web]`))
    expect(result).toEqual({ code: 0, stdout: 'ok (2 components; workflows: main, search-web)\n', stderr: '' })
  })

  test('a tool naming no workflow', async () => {
    const message = await refusal(agentFile(`${MODEL}\n    tools:\n      - search-web\n      - serch-web`))
    expect(message).toBe('compose.yml:13:9: components[0].tools[1]: unknown workflow "serch-web" (workflows: main, search-web)')
  })

  test('a model component the file lacks', async () => {
    const message = await refusal(agentFile('    model:\n      component: gtp\n      input: { messages: "${messages}" }'))
    expect(message).toBe('compose.yml:11:18: components[0].model.component: unknown component "gtp" (components: agent, gpt)')
  })

  test('a model action the component lacks', async () => {
    const message = await refusal(agentFile('    model:\n      component: gpt\n      action: complete\n      input: { messages: "${messages}" }'))
    expect(message).toBe('compose.yml:12:15: components[0].model.action: component "gpt" has no action "complete" (actions: chat, embed)')
  })

  test('no model action, and the component has several with none marked default', async () => {
    const message = await refusal(agentFile(MODEL, 'default: false'))
    expect(message).toBe('compose.yml:10:12: components[0].model: component "gpt" has several actions and none says "default: true": say which one with "action" (actions: chat, embed)')
  })

  test('a tool given as model-compose\'s lone workflow name finds it', async () => {
    const text = `workflow:\n  job: { component: agent }\ncomponents:\n  - id: agent\n    type: agent\n    tools: [__workflow__]\n    model: { component: gpt }\n  - { id: gpt, type: shell, command: [echo] }\n`
    expect((await validate(text)).code).toBe(0)
  })
})

const workflowComponent = (workflow: string, controller = '') => `${controller}components:
  - id: run-other
    type: workflow
    actions:
      - { id: a, workflow: other }
      - id: b
        workflow: ${workflow}
workflows:
  - id: main
    job: { component: run-other, action: b }
  - id: other
    job: { type: filter, output: done }
`

describe('a workflow component', () => {
  test('naming a workflow the file lacks', async () => {
    expect(await refusal(workflowComponent('othr'))).toBe('compose.yml:7:19: components[0].actions[1].workflow: unknown workflow "othr" (workflows: main, other)')
  })

  test('whose workflow a binding gives: left to run time', async () => {
    expect((await validate(workflowComponent('${input.name}'))).code).toBe(0)
  })

  test('with a controller.queue, a workflow the file lacks may run on its workers; an agent tool may not', async () => {
    const queue = 'controller:\n  queue: { driver: redis, url: "redis://127.0.0.1:9" }\n'
    expect((await validate(workflowComponent('remote-one', queue))).code).toBe(0)
    const agent = `${queue}workflow:\n  job: { component: agent }\ncomponents:\n  - id: agent\n    type: agent\n    tools: [remote-one]\n    model: { component: gpt }\n  - { id: gpt, type: shell, command: [echo] }\n`
    expect(await refusal(agent)).toBe('compose.yml:8:13: components[0].tools[0]: unknown workflow "remote-one" (workflows: __default__)')
  })
})

describe("a third-party plugin's references", () => {
  // A plugin (imported as `mc/plugin`, as a user's would be) whose `target` key names another component.
  const plugin = `
import { Type, defineComponentPlugin } from 'mc/plugin'
export default defineComponentPlugin({
  type: 'relay',
  action: Type.Object({ target: Type.String() }),
  defaultOutput: '\${result}',
  actionReferences: (action) => [{ kind: 'component', id: action.target, path: ['target'] }],
  create: () => ({ async run() { return { result: null } } }),
})
`
  const file = (target: string) => `plugins: [./relay.ts]\ncomponents:\n  - id: relay\n    type: relay\n    target: ${target}\n  - { id: echo, type: shell, command: [echo] }\nworkflow:\n  job: { component: relay }\n`

  test('an unknown one is refused where the plugin says the key is', async () => {
    expect(await refusal(file('ecko'), { 'relay.ts': plugin })).toBe('compose.yml:5:13: components[0].target: unknown component "ecko" (components: relay, echo)')
  })

  test('a known one loads', async () => {
    expect((await validate(file('echo'), { 'relay.ts': plugin })).code).toBe(0)
  })
})

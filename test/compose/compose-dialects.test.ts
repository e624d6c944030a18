// model-compose 0.4.92's file form beside 0.4.10's and mc's own: each shorthand
// loads to what its long form loads to and runs the same, and what mc does not
// have is refused with one line naming it, at file:line:col.
import { describe, expect, test } from 'bun:test'
import { loadCompose } from '../../core/compose/load.ts'
import { createLogger } from '../../core/log.ts'
import { PluginRegistry } from '../../core/plugin/registry.ts'
import { Runtime } from '../../core/runtime/runtime.ts'
import { registerBuiltins } from '../../plugins/index.ts'
import { composeDir, runMc } from '../support/mc.ts'

function registry(): PluginRegistry {
  const r = new PluginRegistry()
  registerBuiltins(r)
  return r
}

async function load(text: string) {
  return (await loadCompose({ files: [], env: {}, registry: registry(), cwd: composeDir({ 'compose.yml': text }) })).model
}

async function run(text: string, input: unknown = {}, workflowId?: string): Promise<unknown> {
  const runtime = new Runtime(await load(text), createLogger('test', () => {}))
  try {
    return await runtime.run(runtime.workflow(workflowId), input, new AbortController().signal)
  } finally {
    await runtime.stop()
  }
}

async function validateError(text: string): Promise<string> {
  const result = await runMc(['validate', '-f', 'compose.yml'], { cwd: composeDir({ 'compose.yml': text }) })
  expect(result.code).toBe(1)
  expect(result.stderr.trim().split('\n')).toHaveLength(1)
  return result.stderr.trim().replace(/^mc \| error: /, '')
}

const SHELL_ECHO = 'component:\n  type: shell\n  action:\n    command: [ "echo", "hi ${input.name}" ]\n    output: ${result.stdout}\n'

describe('controller', () => {
  test('0.4.92 controller.adapter gives the controller its address; 127.0.0.1 unless told', async () => {
    const model = await load(`controller:\n  adapter:\n    type: http-server\n    port: 8090\n    base_path: /v1\n  webui:\n    driver: gradio\n    port: 8091\n${SHELL_ECHO}`)
    expect(model.controller).toMatchObject({ host: '127.0.0.1', port: 8090, basePath: '/v1', webui: { driver: 'gradio', host: '127.0.0.1', port: 8091 } })
  })

  test('0.4.10 / mc form keeps its 0.0.0.0 default', async () => {
    const model = await load(`controller:\n  type: http-server\n  port: 8090\n${SHELL_ECHO}`)
    expect(model.controller).toMatchObject({ host: '0.0.0.0', port: 8090, basePath: '/api' })
  })

  test('adapters as a list, with a host and origins', async () => {
    const model = await load(`controller:\n  adapters:\n    - type: http-server\n      host: 0.0.0.0\n      port: 8092\n      origins: "https://a.example"\n${SHELL_ECHO}`)
    expect(model.controller).toMatchObject({ host: '0.0.0.0', port: 8092, origins: ['https://a.example'] })
  })

  test.each([
    // mcp-server adapters load: test/mcp/mcp-compose.test.ts.
    ['a controller type queue-subscriber', 'controller:\n  type: queue-subscriber\n', 'compose.yml:2:9: controller.type: "queue-subscriber" is a model-compose controller adapter that mc does not have (mc has: http-server, mcp-server)'],
    ['a dynamic Web UI', 'controller:\n  webui:\n    driver: dynamic\n', 'compose.yml:3:13: controller.webui.driver: "dynamic" is a model-compose Web UI driver that mc does not have (mc has: gradio, static)'],
  ])('%s is refused by name', async (_name, controller, message) => {
    expect(await validateError(`${controller}${SHELL_ECHO}`)).toBe(message)
  })

  test('websocket: false turns the WebSocket endpoint off (test/websocket/ has the rest)', async () => {
    const model = await load(`controller:\n  adapter:\n    type: http-server\n    port: 8093\n    websocket: false\n${SHELL_ECHO}`)
    expect(model.controller.port).toBe(8093)
    expect(model.controller.websocket).toBeUndefined()
  })
})

describe('top-level sections and component types mc does not have', () => {
  test.each([
    ['listener', 'listener:\n  type: http-callback\n', 'compose.yml:1:1: listener: "listener" is a model-compose top-level section that mc does not have (mc has: controller, component, components, workflow, workflows, plugins, tracer, tracers)'],
    ['gateways', 'gateways:\n  - type: http-tunnel\n', 'compose.yml:1:1: gateways: "gateways" is a model-compose top-level section that mc does not have (mc has: controller, component, components, workflow, workflows, plugins, tracer, tracers)'],
    ['systems', 'systems:\n  - type: docker\n', 'compose.yml:1:1: systems: "systems" is a model-compose top-level section that mc does not have (mc has: controller, component, components, workflow, workflows, plugins, tracer, tracers)'],
  ])('%s', async (_name, section, message) => {
    expect(await validateError(`${section}${SHELL_ECHO}`)).toBe(message)
  })

  test('a component type of model-compose says so and lists mc\'s', async () => {
    const message = await validateError('components:\n  - id: a\n    type: shell\n    command: echo\n  - id: trainer\n    type: model-trainer\n')
    expect(message).toMatch(/^compose\.yml:6:11: components\[1\]\.type: "model-trainer" is a model-compose component type that mc does not have \(mc has: [a-z, -]*http-client[a-z, -]*\)$/)
  })

  test('a type of nobody is still "unknown"', async () => {
    expect(await validateError('component:\n  type: vektor-store\n')).toMatch(/^compose\.yml:2:9: component\.type: unknown component type "vektor-store" \(known: /)
  })

  test.each([
    ['docker', 'runtime: docker', 'compose.yml:3:12: components[0].runtime: runtime "docker" is a model-compose runtime that mc does not have'],
    ['virtualenv (long form)', 'runtime:\n    type: virtualenv\n    path: .venv', 'compose.yml:4:11: components[0].runtime.type: runtime "virtualenv" is a model-compose runtime that mc does not have'],
  ])('runtime %s is refused; native runs here', async (_name, runtime, start) => {
    expect(await validateError(`component:\n  type: shell\n  ${runtime}\n  command: echo\n`)).toStartWith(start)
  })

  test('runtime process: a shell\'s command runs in a child process anyway; a model runs in one (test/plugins/model/model-process.test.ts), uncapped', async () => {
    expect(await run(`component:\n  type: shell\n  runtime: process\n  command: echo three\n  output: \${stdout}\n`)).toBe('three')
    expect(await validateError('component:\n  type: model\n  runtime:\n    type: process\n    cpu_limit: 2\n  task: text-generation\n  model: m\n')).toStartWith(
      'compose.yml:5:16: component.runtime.cpu_limit: mc cannot honour "cpu_limit"',
    )
    expect(await validateError('component:\n  type: shell\n  runtime:\n    type: process\n    start_timeout: 120s\n  command: echo\n')).toStartWith(
      'compose.yml:5:20: components[0].runtime.start_timeout: "start_timeout" is a setting of model-compose\'s runtimes that mc does not have',
    )
  })

  test('runtime native and embedded are this process', async () => {
    expect(await run(`component:\n  type: shell\n  runtime: native\n  command: echo one\n  output: \${stdout}\n`)).toBe('one')
    expect(await run(`component:\n  type: shell\n  runtime:\n    type: embedded\n  command: echo two\n  output: \${stdout}\n`)).toBe('two')
  })
})

describe('workflows and jobs', () => {
  test('0.4.92: workflow.job and a component\'s single action', async () => {
    const output = await run(`workflow:\n  title: Greeter\n  job:\n    input: \${input}\n    output: \${output}\n${SHELL_ECHO}`, { name: 'Ada' })
    expect(output).toBe('hi Ada')
  })

  test('0.4.10: job keys inline in the workflow', async () => {
    expect(await run(`workflow:\n  component: greeter\n  input:\n    name: \${input.who}\ncomponents:\n  - id: greeter\n    type: shell\n    command: [ "echo", "hi \${input.name}" ]\n    output: \${result.stdout}\n`, { who: 'Bo' })).toBe('hi Bo')
  })

  test('jobs given as a map of id → job, actions as a map of id → action', async () => {
    const text = `workflow:
  jobs:
    first:
      component: c
      action: upper
      input: { word: abc }
    second:
      component: c
      action: wrap
      input:
        word: \${jobs.first.output}
  output: \${jobs.second.output}
components:
  c:
    type: shell
    actions:
      upper:
        command: [ "sh", "-c", "echo \${input.word} | tr a-z A-Z" ]
        output: \${result.stdout}
      wrap:
        command: [ "echo", "[\${input.word}]" ]
        output: \${result.stdout}
`
    expect(await run(text)).toBe('[ABC]')
  })

  test('a key left empty is a key not given', async () => {
    const model = await load(`workflow:\n  title:\n  description:\n  job:\n    output:\n${SHELL_ECHO}`)
    const workflow = [...model.workflows.values()][0]!
    expect(workflow.title).toBeUndefined()
    expect(workflow.description).toBeUndefined()
  })

  test('a workflow\'s name is its title when it has none', async () => {
    const model = await load(`workflow:\n  name: Greeter\n${SHELL_ECHO}`)
    expect([...model.workflows.values()][0]!.title).toBe('Greeter')
  })

  test('the lone workflow answers to __workflow__ (model-compose\'s id) and __default__ (mc\'s)', async () => {
    expect(await run(`workflow:\n  job:\n    input: \${input}\n${SHELL_ECHO}`, { name: 'x' }, '__workflow__')).toBe('hi x')
    expect(await run(`workflow:\n  job:\n    input: \${input}\n${SHELL_ECHO}`, { name: 'y' }, '__default__')).toBe('hi y')
  })

  test('a job\'s component given inline as a whole configuration', async () => {
    const text = `workflows:
  - id: w
    jobs:
      - id: a
        component:
          type: shell
          action:
            command: [ "echo", "inline \${input.n}" ]
            output: \${result.stdout}
        input: { n: 1 }
`
    expect(await run(text)).toBe('inline 1')
    const model = await load(text)
    expect([...model.components.keys()]).toEqual(['w.a'])
  })

  test('the component marked default: true runs jobs that name none', async () => {
    const text = `workflow:
  jobs:
    - id: a
      input: { n: 2 }
components:
  - id: other
    type: shell
    command: echo other
  - id: chosen
    type: shell
    default: true
    action:
      command: [ "echo", "chosen \${input.n}" ]
      output: \${result.stdout}
`
    expect(await run(text)).toBe('chosen 2')
  })

  test('two components marked default is an error naming both', async () => {
    const text = 'workflow:\n  job: {}\ncomponents:\n  - id: a\n    type: shell\n    default: true\n    command: echo\n  - id: b\n    type: shell\n    default: true\n    command: echo\n'
    expect(await validateError(text)).toBe('compose.yml:10:5: several components say "default: true": a, b')
  })

  test.each([
    ['job and jobs', 'workflow:\n  job: {}\n  jobs: []\n', 'compose.yml:2:3: workflows[0].job: use either "job" (one) or "jobs" (a list), not both'],
    ['action and actions', 'component:\n  type: shell\n  action: { command: echo }\n  actions: []\n', 'compose.yml:3:3: components[0].action: use either "action" (one) or "actions" (a list), not both'],
    ['adapter and adapters', 'controller:\n  adapter: { type: http-server }\n  adapters: []\ncomponent:\n  type: shell\n  command: echo\n', 'compose.yml:2:3: controller.adapter: use either "adapter" (one) or "adapters" (a list), not both'],
  ])('%s together is an error', async (_name, text, message) => {
    expect(await validateError(text)).toBe(message)
  })
})

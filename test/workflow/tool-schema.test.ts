// A workflow as a tool (core/workflow/tool-schema.ts), checked against the
// tool workflows of model-compose 0.4.92's agent examples (copied under
// test/fixtures/model-compose/0.4.92/agents/): the schema their model would be
// sent, as model-compose's WorkflowTool.as_model_tool builds it.
import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { loadCompose } from '../../core/compose/load.ts'
import { PluginRegistry } from '../../core/plugin/registry.ts'
import { toolSchemaOf } from '../../core/workflow/tool-schema.ts'
import { registerBuiltins } from '../../plugins/index.ts'

const AGENTS = join(import.meta.dir, '../fixtures/model-compose/0.4.92/agents')

async function workflowsOf(example: string) {
  const dir = join(AGENTS, example)
  const { model } = await loadCompose({ files: [join(dir, 'model-compose.yml')], env: {}, registry: registerBuiltins(new PluginRegistry()), cwd: dir })
  return model.workflows
}

describe('the tool schema of a workflow', () => {
  test('multi-tool: named by `name`, parameters from its input bindings with their @(description), types and defaults', async () => {
    const workflows = await workflowsOf('multi-tool')
    expect(toolSchemaOf(workflows.get('search-web')!)).toEqual({
      name: 'search_web',
      description: 'Search the web for information on a given query. Returns relevant results with titles, URLs, and snippets.',
      parameters: {
        type: 'object',
        properties: {
          query: { type: 'string', description: 'The search query string' },
          max_results: { type: 'integer', description: 'Maximum number of search results', default: 5 },
        },
        // model-compose never marks a derived parameter required.
        required: [],
      },
    })
    expect(toolSchemaOf(workflows.get('get-current-time')!)).toEqual({
      name: 'get_current_time',
      description: 'Get the current date and time with timezone information.',
      parameters: { type: 'object', properties: {}, required: [] },
    })
  })

  test('code-reviewer: a text default is the parameter default', async () => {
    const workflows = await workflowsOf('code-reviewer')
    expect(toolSchemaOf(workflows.get('search-code')!).parameters.properties).toEqual({
      pattern: { type: 'string', description: 'The search pattern or regex to look for' },
      path: { type: 'string', description: 'Directory path to search in', default: '.' },
    })
  })

  test('the main workflow: its id when it has no name, its description (or else title)', async () => {
    const workflows = await workflowsOf('web-page-analyzer')
    const main = toolSchemaOf(workflows.get('main')!)
    expect(main.name).toBe('main')
    expect(main.description).toStartWith('An agent that scrapes and analyzes web pages')
    expect(main.parameters.properties).toEqual({ question: { type: 'string' } })
  })

  test('types map as model-compose maps them: lists, selects, json, mc-only required', async () => {
    const { model } = await loadCompose({
      files: [join(import.meta.dir, '../fixtures/agent/tool-types.yml')],
      env: {},
      registry: registerBuiltins(new PluginRegistry()),
      cwd: join(import.meta.dir, '../fixtures/agent'),
    })
    expect(toolSchemaOf(model.workflows.get('typed')!)).toEqual({
      name: 'typed',
      description: 'Typed Tool',
      parameters: {
        type: 'object',
        properties: {
          tags: { type: 'array', items: { type: 'string' } },
          ratio: { type: 'number' },
          flag: { type: 'boolean' },
          data: { type: 'object' },
          mode: { type: 'string', enum: ['fast', 'slow'] },
          image: { type: 'string' },
          name: { type: 'string' },
        },
        required: ['name'],
      },
    })
  })
})

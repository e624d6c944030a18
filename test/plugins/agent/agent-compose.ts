// What the agent tests share: the model component of model-compose's agent
// examples (an http-client mapping canonical messages to OpenAI chat
// completions and back, copied from examples/agents/multi-tool; streamed or
// not) pointed at the test's tool-calling upstream (env MODEL_URL), and a
// compose file loaded in process into a Runtime whose log lines the test can
// read.

import { loadCompose } from '../../../core/compose/load.ts'
import { createLogger } from '../../../core/log.ts'
import { PluginRegistry } from '../../../core/plugin/registry.ts'
import { Runtime } from '../../../core/runtime/runtime.ts'
import { registerBuiltins } from '../../../plugins/index.ts'
import { composeDir } from '../../support/mc.ts'

/**
 * The model component `id` (an http-client): non-streamed, its output the
 * canonical message; streamed (`stream: true`), its output the stream, which
 * the agent reads turn by turn.
 */
export function openAiModel({ id = 'gpt', stream = false } = {}): string {
  return `
  - id: ${id}
    type: http-client
    action:
      endpoint: \${env.MODEL_URL}/v1/chat/completions
      method: POST
      headers:
        Authorization: Bearer \${env.OPENAI_API_KEY}
      body:
        model: gpt-4o${stream ? '\n        stream: true' : ''}
        messages:
          "*": \${input.messages}
          role: \${item.role}
          content: \${item.content[0].text}
          "?":
            - input: \${item.role}
              value: assistant
              if_true:
                content:
                  "?":
                    input: \${item.content[0].type}
                    value: text
                    if_true: \${item.content[0].text}
                tool_calls:
                  "*":
                    input: \${item.content}
                    where:
                      input: \${item.type}
                      value: tool_call
                  id: \${item.id}
                  type: function
                  function:
                    name: \${item.name}
                    arguments: \${item.arguments as text}
            - input: \${item.role}
              value: tool
              if_true:
                tool_call_id: \${item.content[0].id}
                content: \${item.content[0].content}
        tools:
          "*": \${input.tools}
          type: function
          function: \${item}
${stream ? '' : OUTPUT}`
}

// The canonical message of a non-streamed answer.
const OUTPUT = `      output:
        role: assistant
        content:
          "+":
            - "?":
                input: \${response.choices[0].message.content}
                operator: neq
                value: null
                if_true:
                  - type: text
                    text: \${response.choices[0].message.content}
            - "*": \${response.choices[0].message.tool_calls}
              type: tool_call
              id: \${item.id}
              name: \${item.function.name}
              arguments: \${item.function.arguments as json}
`

export const OPENAI_MODEL = openAiModel()

/** The workflow `main`: the component `agent` asked `input.question`. */
export const MAIN_WORKFLOW = `
  - id: main
    job:
      component: agent
      input:
        question: \${input.question}`

/** The model key of an agent using OPENAI_MODEL (the component `gpt`). */
export const MODEL_KEY = `
    model:
      component: gpt
      input:
        messages: \${messages}
        tools: \${tools}`

/** A compose file in process: its runtime, and the warnings its components logged. */
export async function loadAgents(text: string, modelUrl: string) {
  const registry = registerBuiltins(new PluginRegistry())
  const dir = composeDir({ 'compose.yml': text })
  const { model } = await loadCompose({ files: [], env: { MODEL_URL: modelUrl, OPENAI_API_KEY: 'sk-test-agent-key' }, registry, cwd: dir })
  const logs: string[] = []
  const runtime = new Runtime(model, createLogger('test', (line) => logs.push(line)))
  const run = (workflow: string, input: unknown, signal = new AbortController().signal) => runtime.run(runtime.workflow(workflow), input, signal)
  return { runtime, run, logs, dir }
}

/** The text of what a load (or a Runtime's creation) refused. */
export async function refusal(text: string): Promise<string> {
  try {
    await loadAgents(text, 'http://127.0.0.1:9')
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('expected the file to be refused')
}

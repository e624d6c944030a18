// An agent's configuration: what is refused at load with one line naming the
// place (inline tool schemas, which mc lacks; an unknown tool workflow; a bad
// template in `model`), `instructions`, a template of the run's input and
// env, and the bound on tool calls in one turn.
import { afterEach, describe, expect, test } from 'bun:test'
import { call, startToolCallingUpstream, type ToolCallingUpstream } from '../../support/tool-calling-upstream.ts'
import { loadAgents, MAIN_WORKFLOW, MODEL_KEY, OPENAI_MODEL, refusal } from './agent-compose.ts'

let model: ToolCallingUpstream | undefined
afterEach(() => model?.stop())

const file = (agent: string, extra = '') => `
workflows:${MAIN_WORKFLOW}
  - id: echo
    name: echo_tool
    private: true
    job:
      type: filter
      output: \${input.text}
${extra}
components:
  - id: agent
    type: agent
${agent}
    action:
      prompt: \${input.question}
${OPENAI_MODEL}`

describe('refused at load, naming the place', () => {
  test('an inline tool schema (model-compose answers it through an interrupt, which mc lacks)', async () => {
    const message = await refusal(file(`${MODEL_KEY}\n    tools:\n      - echo\n      - name: ask_human\n        description: Ask a person`))
    expect(message).toMatch(/^compose\.yml:\d+:\d+: components\[0\]\.tools\[1\]: "inline tool schema \(answered through an interrupt\)" is a model-compose agent tool that mc does not have/)
    expect(message.split('\n')).toHaveLength(1)
  })

  test('a tool naming no workflow of the file', async () => {
    const message = await refusal(file(`${MODEL_KEY}\n    tools: [echo, serch]`))
    expect(message).toMatch(/^compose\.yml:\d+:\d+: components\[0\]\.tools\[1\]: unknown workflow "serch" \(workflows: main, echo\)$/)
  })

  test('a model component the file lacks', async () => {
    const message = await refusal(file('    model:\n      component: gtp\n      input:\n        messages: ${messages}'))
    expect(message).toMatch(/^compose\.yml:\d+:\d+: components\[0\]\.model\.component: unknown component "gtp" \(components: agent, gpt\)$/)
  })

  test('two tools of one name', async () => {
    const extra = '  - id: echo2\n    name: echo_tool\n    job: { type: filter, output: x }'
    expect(await refusal(file(`${MODEL_KEY}\n    tools: [echo, echo2]`, extra))).toBe('component "agent": tools[1]: duplicate tool name "echo_tool"')
  })

  test('a binding model.input cannot read', async () => {
    const message = await refusal(file(`    model:\n      component: gpt\n      input:\n        messages: \${messages}\n        extra: \${response.x}`))
    expect(message).toMatch(/^compose\.yml:\d+:\d+: components\[0\]\.model\.input\.extra: bad binding "\$\{response\.x\}": unknown binding "response"/)
  })

  test('prompt and user_prompt together', async () => {
    const message = await refusal(file(`${MODEL_KEY}\n    user_prompt: again`))
    expect(message).toMatch(/user_prompt: give "prompt" or "user_prompt" \(its older name\), not both$/)
  })
})

describe('instructions', () => {
  test('instructions read the run input and env', async () => {
    model = startToolCallingUpstream({ script: () => ({ text: 'ok' }) })
    const agent = `    model:\n      component: gpt\n      input:\n        messages: \${messages}\n        tools: \${tools}\n    instructions: "Answer \${input.question} for \${env.OPENAI_API_KEY | nobody}"`
    const { run } = await loadAgents(file(agent), model.url)
    const messages = await run('main', { question: 'why' })
    expect(messages).toEqual([{ role: 'assistant', content: [{ type: 'text', text: 'ok' }] }])
    // The key is a secret of the env: it reached the model, as the file asks, and no log line.
    expect(model.requests[0]!.messages[0]).toEqual({ role: 'system', content: 'Answer why for sk-test-agent-key' })
  })
})

describe('bounds', () => {
  test('a turn asking for more than 64 tool calls: the first 64 run, each one past gets an error result', async () => {
    const calls = Array.from({ length: 66 }, (_, i) => call(`c${i}`, 'echo_tool', { text: `t${i}` }))
    model = startToolCallingUpstream({ script: (_, turn) => (turn === 0 ? { toolCalls: calls } : { text: 'ok' }) })
    const { run } = await loadAgents(file(`${MODEL_KEY}\n    tools: [echo]`), model.url)
    await run('main', { question: 'many' })
    const sent = model.requests[1]!.messages.filter((m) => m.role === 'tool').map((m) => m.content)
    expect(sent.slice(0, 64)).toEqual(calls.slice(0, 64).map((_, i) => `t${i}`))
    expect(sent.slice(64)).toEqual(['Error: more than 64 tool calls in one turn; this one did not run', 'Error: more than 64 tool calls in one turn; this one did not run'])
  })
})

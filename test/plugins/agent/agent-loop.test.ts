// The agent's ReAct loop in process, against a local tool-calling model
// (test/support/tool-calling-upstream.ts) that records what mc sent it: tool
// calls of one turn run at once, a failing tool's error goes back to the
// model while the run goes on, max_iteration_count bounds the loop, several
// actions each keep their own prompts, and `streaming: true` gives the
// messages as a stream.
import { afterEach, describe, expect, test } from 'bun:test'
import { call, startToolCallingUpstream, type Answer, type ToolCallingUpstream } from '../../support/tool-calling-upstream.ts'
import { loadAgents, MODEL_KEY, OPENAI_MODEL } from './agent-compose.ts'

let model: ToolCallingUpstream | undefined
afterEach(() => model?.stop())

const serve = (answer: Answer) => (model = startToolCallingUpstream({ script: answer }))

const FAILS = 'FAILS'

/** Shell-backed tool workflows `name: [command]`, an agent over them, and `main` running it. */
function agentFile(tools: Record<string, string>, agent = '', job = '') {
  const workflows = Object.entries(tools)
    .map(
      ([name, command]) => `
  - id: ${name}-tool
    name: ${name}
    description: The ${name} tool.
    private: true
    job:
      component: ${name}-shell
      input:
        arg: \${input.arg @(description An argument)}
      output: \${output as text}`,
    )
    .join('')
  // A tool whose command is FAILS calls an upstream that answers 404.
  const shells = Object.entries(tools)
    .map(([name, command]) =>
      command === FAILS
        ? `\n  - id: ${name}-shell\n    type: http-client\n    endpoint: \${env.MODEL_URL}/missing\n    method: GET\n`
        : `\n  - id: ${name}-shell\n    type: shell\n    command: [sh, -c, ${JSON.stringify(command)}, sh, "\${input.arg}"]\n    timeout: 20s\n    output: \${stdout}\n`,
    )
    .join('')
  return `
workflows:
  - id: main
    job:
      component: agent${job}
      input:
        question: \${input.question}
${workflows}
components:
  - id: agent
    type: agent
    instructions: You answer with tools.${MODEL_KEY}
    tools: [${Object.keys(tools).map((name) => `${name}-tool`).join(', ')}]
${agent || '    action:\n      prompt: ${input.question}'}
${OPENAI_MODEL}${shells}`
}

/** What mc sent the model in its request `turn` as tool messages: tool_call_id → content. */
const toolResultsSent = (turn: number) =>
  Object.fromEntries(model!.requests[turn]!.messages.filter((m) => m.role === 'tool').map((m) => [m.tool_call_id, m.content]))

describe('one turn, several tool calls', () => {
  test('they run at once: two tools that each wait for the other both finish', async () => {
    // Each tool marks its flag and waits (bounded) for the other's: run one after the other, the first would give up alone.
    const wait = (mine: string, other: string) => `touch ${mine}.flag; i=0; while [ ! -f ${other}.flag ]; do i=$((i+1)); [ $i -gt 1500 ] && { echo alone; exit 0; }; sleep 0.01; done; echo met`
    serve((_, turn) => (turn === 0 ? { toolCalls: [call('a1', 'left', { arg: 'x' }), call('b1', 'right', { arg: 'y' })] } : { text: 'Both met.' }))
    const { run } = await loadAgents(agentFile({ left: wait('left', 'right'), right: wait('right', 'left') }), model!.url)
    const messages = (await run('main', { question: 'meet?' })) as { role: string; content: Record<string, unknown>[] }[]
    expect(toolResultsSent(1)).toEqual({ a1: 'met', b1: 'met' })
    expect(messages.map((m) => m.role)).toEqual(['assistant', 'tool', 'tool', 'assistant'])
    expect(messages[3]!.content).toEqual([{ type: 'text', text: 'Both met.' }])
  })

  test('a failing tool, an unknown tool and bad arguments become error results the model reads; the run succeeds', async () => {
    serve((_, turn) =>
      turn === 0
        ? { toolCalls: [call('f1', 'fails', { arg: 'x' }), call('u1', 'nope'), call('k1', 'echo', { arg: 'a', extra: 1 }), call('j1', 'echo', '{"arg": "from text"}')] }
        : { text: 'Handled.' },
    )
    const { run } = await loadAgents(agentFile({ fails: FAILS, echo: 'printf "%s" "$1"' }), model!.url)
    const messages = (await run('main', { question: 'go' })) as { content: { is_error?: boolean }[] }[]
    const sent = toolResultsSent(1)
    expect(String(sent.f1)).toMatch(/^\w*Error: .*404/)
    expect(sent.u1).toBe("Error: Unknown tool 'nope'")
    expect(sent.k1).toBe("TypeError: echo() got an unexpected keyword argument 'extra'")
    // Arguments handed as JSON text are parsed.
    expect(sent.j1).toBe('from text')
    expect(messages.slice(1, 5).map((m) => m.content[0]!.is_error)).toEqual([true, true, true, undefined])
    expect(messages).toHaveLength(6)
  })
})

describe('what the model is sent', () => {
  test('the whole conversation every turn, and the tools as canonical schemas', async () => {
    serve((_, turn) => (turn === 0 ? { toolCalls: [call('e1', 'echo', { arg: 'hi' })] } : { text: 'Done.' }))
    const { run } = await loadAgents(agentFile({ echo: 'printf "%s" "$1"' }), model!.url)
    await run('main', { question: 'say hi' })
    const [first, second] = model!.requests
    expect(first!.messages).toEqual([
      { role: 'system', content: 'You answer with tools.' },
      { role: 'user', content: 'say hi' },
    ])
    expect(first!.tools).toEqual([
      {
        type: 'function',
        function: { name: 'echo', description: 'The echo tool.', parameters: { type: 'object', properties: { arg: { type: 'string', description: 'An argument' } }, required: [] } },
      },
    ])
    // model-compose sends only the produced messages after the first turn; mc keeps the question.
    expect(second!.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool'])
    expect(second!.messages[2]!.tool_calls).toEqual([{ id: 'e1', type: 'function', function: { name: 'echo', arguments: '{"arg": "hi"}' } }])
    expect(second!.messages[3]).toEqual({ role: 'tool', content: 'hi', tool_call_id: 'e1' })
  })

  test('max_iteration_count bounds the model turns, and the log says it was reached', async () => {
    serve((_, turn) => ({ toolCalls: [call(`e${turn}`, 'echo', { arg: String(turn) })] }))
    const { run, logs } = await loadAgents(agentFile({ echo: 'printf "%s" "$1"' }, '    max_iteration_count: 3\n    action:\n      prompt: ${input.question}'), model!.url)
    const messages = (await run('main', { question: 'loop' })) as { role: string }[]
    expect(model!.requests).toHaveLength(3)
    expect(messages.map((m) => m.role)).toEqual(['assistant', 'tool', 'assistant', 'tool', 'assistant', 'tool'])
    expect(logs.join('')).toContain('stopped after max_iteration_count (3) model turns')
  })
})

describe('actions', () => {
  const actions = `    actions:
      - id: brief
        system_prompt: Be brief.
        user_prompt: "Brief: \${input.question}"
        max_iteration_count: 1
      - id: full
        default: true
        prompt: "Full: \${input.question}"
        output: \${result[-1].content[0].text}`

  test('each action its own prompts and bound; the older names system_prompt and user_prompt', async () => {
    serve(() => ({ toolCalls: [call('e1', 'echo', { arg: 'x' })] }))
    const { run } = await loadAgents(agentFile({ echo: 'printf "%s" "$1"' }, actions, '\n      action: brief'), model!.url)
    const messages = (await run('main', { question: 'q' })) as unknown[]
    expect(model!.requests).toHaveLength(1)
    expect(model!.requests[0]!.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Brief: q' },
    ])
    expect(messages).toHaveLength(2)
  })

  test('the default action: component instructions, an action output reading ${result}', async () => {
    serve(() => ({ text: 'The answer.' }))
    const { run } = await loadAgents(agentFile({ echo: 'printf "%s" "$1"' }, actions), model!.url)
    expect(await run('main', { question: 'q' })).toBe('The answer.')
    expect(model!.requests[0]!.messages).toEqual([
      { role: 'system', content: 'You answer with tools.' },
      { role: 'user', content: 'Full: q' },
    ])
  })

  test('streaming: true gives a stream of events; its whole messages come each as it is made', async () => {
    serve((_, turn) => (turn === 0 ? { toolCalls: [call('e1', 'echo', { arg: 'x' })] } : { text: 'Done.' }))
    const { run } = await loadAgents(agentFile({ echo: 'printf "%s" "$1"' }, '    action:\n      prompt: ${input.question}\n      streaming: true'), model!.url)
    const result = (await run('main', { question: 'q' })) as AsyncIterable<{ type: string; message?: { role: string } }>
    expect(Symbol.asyncIterator in Object(result)).toBe(true)
    const roles: string[] = []
    for await (const event of result) {
      if (event.type !== 'message') continue
      roles.push(event.message!.role)
      // The first message comes before the model has been asked again.
      if (roles.length === 1) expect(model!.requests).toHaveLength(1)
    }
    expect(roles).toEqual(['assistant', 'tool', 'assistant'])
  })
})

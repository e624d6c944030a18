// `bun run bench` (agent part): the time mc adds per agent iteration, the
// model call and the tool's own work excluded. An in-process tool-calling
// model answers at once (a tool call per turn, then the final text); the tool
// is a workflow whose one job gives its argument back. The same conversation
// is held by hand — the same HTTP requests to the same model, the tool's
// answer computed inline — and the difference, per iteration, is what mc's
// loop costs: rendering the model's input and output templates, the
// http-client run, the tool workflow's run, the message bookkeeping. Runs
// alternate so the machine's drift hits both alike.

import { startToolCallingUpstream } from '../support/tool-calling-upstream.ts'
import { loadAgents, MAIN_WORKFLOW, MODEL_KEY, OPENAI_MODEL } from '../plugins/agent/agent-compose.ts'

const ITERATIONS = 10
const RUNS = Number(process.env.BENCH_AGENT_RUNS ?? 200)
const WARM_UP = 20

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 3, minimumFractionDigits: 3 })

// Turn k of a conversation (k assistant messages so far): a tool call, or at the last iteration the answer.
const upstream = startToolCallingUpstream({
  script: (body) => {
    const turn = body.messages.filter((m) => m.role === 'assistant').length
    return turn < ITERATIONS - 1 ? { toolCalls: [{ id: `c${turn}`, name: 'echo', arguments: { text: `step ${turn}` } }] } : { text: 'Done.' }
  },
})
const url = upstream.url

const text = `
workflows:${MAIN_WORKFLOW}
  - id: echo
    private: true
    job:
      type: filter
      output: \${input.text @(description The text)}
components:
  - id: agent
    type: agent
    instructions: You use tools.${MODEL_KEY}
    tools: [echo]
    action:
      prompt: \${input.question}
${OPENAI_MODEL}`
const { runtime } = await loadAgents(text, url)
const main = runtime.workflow('main')

async function viaMc(): Promise<number> {
  const started = performance.now()
  const messages = (await runtime.run(main, { question: 'go' }, new AbortController().signal)) as unknown[]
  const elapsed = performance.now() - started
  if (messages.length !== 2 * ITERATIONS - 1) throw new Error(`mc's agent made ${messages.length} messages`)
  return elapsed
}

/** The same requests, by hand: OpenAI messages kept as a list, the tool's answer inline. */
async function direct(): Promise<number> {
  const started = performance.now()
  const tools = [{ type: 'function', function: { name: 'echo', parameters: { type: 'object', properties: { text: { type: 'string', description: 'The text' } }, required: [] } } }]
  const messages: Record<string, unknown>[] = [
    { role: 'system', content: 'You use tools.' },
    { role: 'user', content: 'go' },
  ]
  for (let i = 0; i < ITERATIONS; i++) {
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test-agent-key' },
      body: JSON.stringify({ model: 'gpt-4o', messages, tools }),
    })
    const message = ((await response.json()) as { choices: { message: { tool_calls?: { id: string; function: { arguments: string } }[] } }[] }).choices[0]!.message
    messages.push(message)
    for (const call of message.tool_calls ?? []) messages.push({ role: 'tool', tool_call_id: call.id, content: (JSON.parse(call.function.arguments) as { text: string }).text })
  }
  const elapsed = performance.now() - started
  if (messages.length !== 2 * ITERATIONS + 1) throw new Error(`the direct loop made ${messages.length} messages`)
  return elapsed
}

for (let i = 0; i < WARM_UP; i++) {
  await viaMc()
  await direct()
}
const mcTimes: number[] = []
const directTimes: number[] = []
for (let i = 0; i < RUNS; i++) {
  mcTimes.push(await viaMc())
  directTimes.push(await direct())
}
upstream.stop()

const perIteration = (median(mcTimes) - median(directTimes)) / ITERATIONS
console.log(`agent (${ITERATIONS} iterations a run, ${RUNS} runs, medians): mc ${fmt(median(mcTimes))} ms, the same requests by hand ${fmt(median(directTimes))} ms`)
console.log(`agent: mc adds ${fmt(perIteration)} ms per iteration (model call and tool work excluded)`)

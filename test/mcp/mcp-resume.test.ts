// Human in the loop over MCP, as model-compose's adapter offers it: a
// workflow whose job has an `interrupt` answers a call with its status
// (`{"status": "interrupted", "task_id", "interrupt": {...}}`), and the
// `resume_workflow` tool (listed only then) answers it — with a JSON answer
// replacing the job's input — returning the next point, then the output.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { SHELL_COMPONENT } from '../support/interrupts.ts'
import type { McProcess } from '../support/mc.ts'
import { httpClient, startMcServingMcp } from '../support/mcp-clients.ts'

const compose = (httpPort: number, mcpPort: number) => `
controller:
  adapters:
    - { type: http-server, port: ${httpPort} }
    - { type: mcp-server, port: ${mcpPort} }
workflows:
  - id: review
    jobs:
      - id: run-command
        component: shell
        input:
          command: echo "\${input.word}"
        interrupt:
          before:
            message: "About to execute: \${job.input.command}"
            metadata: { command: "\${job.input.command}" }
          after:
            message: Review the output.
        output: \${output}
components:${SHELL_COMPONENT}`

let mc: McProcess
let client: Client

beforeAll(async () => {
  const started = await startMcServingMcp(compose)
  mc = started.mc
  client = await httpClient(`http://127.0.0.1:${started.mcpPort}/`)
})
afterAll(async () => {
  await client?.close()
  await mc?.stop()
})

const textOf = (result: Awaited<ReturnType<Client['callTool']>>) => (result.content as { text: string }[])[0]!.text

test('resume_workflow is listed beside the workflows, with model-compose\'s parameters', async () => {
  const { tools } = await client.listTools()
  expect(tools.map((t) => t.name)).toEqual(['review', 'resume_workflow'])
  expect(tools[1]!.inputSchema.required).toEqual(['task_id', 'job_id'])
  expect(Object.keys(tools[1]!.inputSchema.properties!)).toEqual(['task_id', 'job_id', 'run_id', 'answer'])
})

test('a call stops at each interrupt point with its status; resuming goes on to the next, then the output', async () => {
  const first = JSON.parse(textOf(await client.callTool({ name: 'review', arguments: { word: 'hello' } })))
  expect(first).toMatchObject({
    status: 'interrupted',
    interrupt: { job_id: 'run-command', run_id: null, phase: 'before', message: 'About to execute: echo "hello"', metadata: { command: 'echo "hello"' } },
  })
  const taskId = first.task_id as string
  // The HTTP API beside it sees the same task waiting.
  expect(((await (await fetch(`${mc.api}/tasks/${taskId}`)).json()) as { status: string }).status).toBe('interrupted')
  const answer = JSON.stringify({ command: 'echo changed' })
  const second = JSON.parse(textOf(await client.callTool({ name: 'resume_workflow', arguments: { task_id: taskId, job_id: 'run-command', answer } })))
  expect(second).toMatchObject({ status: 'interrupted', task_id: taskId, interrupt: { job_id: 'run-command', phase: 'after', message: 'Review the output.' } })
  const done = await client.callTool({ name: 'resume_workflow', arguments: { task_id: taskId, job_id: 'run-command' } })
  expect(done).toEqual({ content: [{ type: 'text', text: 'changed' }] })
})

test('a resume that does not fit is a tool error saying why', async () => {
  const bad = await client.callTool({ name: 'resume_workflow', arguments: { task_id: 'nope', job_id: 'run-command' } })
  expect(bad).toMatchObject({ isError: true, content: [{ type: 'text', text: '{"error":"unknown task \\"nope\\""}' }] })
  const badJson = await client.callTool({ name: 'resume_workflow', arguments: { task_id: 'nope', job_id: 'x', answer: '{oops' } })
  expect(badJson.isError).toBe(true)
  expect(textOf(badJson)).toStartWith('answer: not valid JSON')
})

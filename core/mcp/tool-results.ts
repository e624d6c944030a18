// The results a tool call answers besides a workflow's output: a failure (a
// tool error, its text the message the HTTP API would answer), and a task
// waiting at an interrupt point, as model-compose's MCP adapter writes it:
// `{"status": "interrupted", "task_id", "interrupt": {job_id, run_id, phase,
// message, metadata}}` — the client answers it with the resume_workflow tool.

import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { messageOf } from '../errors.ts'
import { jsonText } from '../http/json-response.ts'
import type { InterruptPoint } from '../tasks/store/task-store.ts'

export function toolError(error: unknown): CallToolResult {
  return { content: [{ type: 'text', text: messageOf(error) }], isError: true }
}

export function interruptedResult(taskId: string, point: InterruptPoint): CallToolResult {
  const { job_id, run_id, phase, message, metadata } = point
  return { content: [{ type: 'text', text: jsonText({ status: 'interrupted', task_id: taskId, interrupt: { job_id, run_id, phase, message, metadata } }) }] }
}

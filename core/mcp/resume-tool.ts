// model-compose's `resume_workflow` tool, listed when a workflow has a job
// with an `interrupt`: it answers a task waiting at an interrupt point (the
// status a call answered, tool-results.ts) through the controller's own resume
// (core/controller/resume-task.ts, as POST /tasks/{id}/resume), then waits for
// the task to end — its output — or to stop at its next point — that status.
// `answer` is JSON text, as model-compose takes it; empty, none.

import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { resumeTask } from '../controller/resume-task.ts'
import { messageOf } from '../errors.ts'
import { jsonText } from '../http/json-response.ts'
import type { ComposeModel } from '../model/compose-model.ts'
import { contentOfOutput } from './content-of-output.ts'
import type { ToolCallContext } from './tool-call.ts'
import { interruptedResult, toolError } from './tool-results.ts'

export const RESUME_TOOL = {
  name: 'resume_workflow',
  title: 'Resume an interrupted workflow',
  description: [
    'Resume the workflow that was paused at a Human-in-the-Loop interrupt point.',
    '',
    'Args:',
    '    task_id (string): The task ID of the interrupted workflow',
    '    job_id (string): The job ID where the interrupt occurred',
    '    run_id (string): The run ID where the interrupt occurred',
    '    answer (string): Optional JSON string with answer to resume with',
    '',
    'Returns:',
    '    output (any): The output of the resumed workflow, or a status object with a task_id/job_id if it pauses again at another Human-in-the-Loop interrupt point (call `resume_workflow` again with the new answer).',
  ].join('\n'),
  inputSchema: {
    type: 'object' as const,
    properties: {
      task_id: { type: 'string', description: 'The task ID of the interrupted workflow' },
      job_id: { type: 'string', description: 'The job ID where the interrupt occurred' },
      run_id: { type: 'string', description: 'The run ID where the interrupt occurred' },
      answer: { type: 'string', description: 'Optional JSON string with answer to resume with', default: '' },
    },
    required: ['task_id', 'job_id'],
  },
}

/** Some served workflow has a job that may stop for an answer. */
export function hasInterrupts(model: ComposeModel): boolean {
  return [...model.workflows.values()].some((w) => !w.isPrivate && w.jobs.some((job) => job.interrupt !== undefined))
}

/** How long one wait on the store lasts before the task is looked at again. */
const WATCH_MS = 15_000

export async function resumeWorkflowTool(args: Record<string, unknown>, signal: AbortSignal, context: ToolCallContext): Promise<CallToolResult> {
  const { task_id: taskId, job_id: jobId, run_id: runId, answer } = args
  for (const [name, value] of [['task_id', taskId], ['job_id', jobId]] as const) if (typeof value !== 'string' || value === '') return toolError(`${name}: expected a string`)
  if (runId != null && typeof runId !== 'string') return toolError('run_id: expected a string')
  if (answer != null && typeof answer !== 'string') return toolError('answer: expected JSON text')
  let parsed: unknown = null
  try {
    if (answer) parsed = JSON.parse(answer)
  } catch (error) {
    return toolError(`answer: not valid JSON: ${(error as Error).message}`)
  }
  try {
    await resumeTask(taskId as string, { job_id: jobId as string, ...(runId ? { run_id: runId } : {}), answer: parsed }, context)
  } catch (error) {
    return { content: [{ type: 'text', text: jsonText({ error: messageOf(error) }) }], isError: true }
  }
  return settled(taskId as string, signal, context)
}

/** The task's end, or the next point it waits at (resumeTask left it processing: any interrupt seen now is a new one). */
async function settled(id: string, signal: AbortSignal, { store, runtime }: ToolCallContext): Promise<CallToolResult> {
  for (;;) {
    const task = await store.get(id)
    if (!task) return toolError(`unknown task "${id}"`)
    if (task.status === 'completed') {
      const schema = task.streamed ? undefined : runtime.findWorkflow(task.workflow_id)?.outputSchema
      return { content: contentOfOutput(task.output, schema, id) }
    }
    if (task.status === 'failed') return toolError(task.error ?? 'the run failed')
    if (task.status === 'interrupted' && task.interrupt) return interruptedResult(id, task.interrupt)
    if (signal.aborted) return toolError('cancelled: the MCP client stopped waiting (the task goes on)')
    await store.waitForChange(id, Number.MAX_SAFE_INTEGER, WATCH_MS, signal)
  }
}

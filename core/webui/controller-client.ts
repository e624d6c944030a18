// The Web UI talks to mc the way any client does: over the controller's HTTP
// API. This is that client: the workflow list with schemas, and runs whose
// streamed answers come back chunk by chunk.

import { HttpError } from '../errors.ts'
import { sseEventsOf } from '../stream/sse-events-of.ts'
import type { InputField, OutputSchema } from '../model/io-schema.ts'

export interface WorkflowInfo {
  workflow_id: string
  title: string
  default: boolean
  description: string | null
  input: InputField[]
  output: OutputSchema
}

export type RunAnswer =
  | { kind: 'stream'; format: 'sse-text' | 'sse-json'; chunks: AsyncIterable<unknown> }
  | { kind: 'value'; value: unknown }

/** How a workflow's output streams (`;sse-text` / `;sse-json`), if it does. */
export function streamFormatOf(workflow: WorkflowInfo): 'sse-text' | 'sse-json' | undefined {
  const { output } = workflow
  return output.kind === 'value' && (output.format === 'sse-text' || output.format === 'sse-json') ? output.format : undefined
}

export class ControllerClient {
  private readonly auth: Record<string, string>

  /** With the Authorization header of the key the Web UI's client sent, when keys are asked for: its limits apply. */
  constructor(
    readonly baseUrl: string,
    authorization?: string,
  ) {
    this.auth = authorization ? { authorization } : {}
  }

  async workflows(): Promise<WorkflowInfo[]> {
    const response = await fetch(`${this.baseUrl}/workflows?include_schema=true`, { headers: this.auth })
    // Its key past its limit: the same 429 for the Web UI's client.
    if (response.status === 429) throw new HttpError(429, 'this API key is past its limit of requests per minute; try again later', Number(response.headers.get('retry-after')) || 1)
    if (!response.ok) throw new Error(`controller answered ${response.status}`)
    return (await response.json()) as WorkflowInfo[]
  }

  /**
   * Runs a workflow; a streamed answer is read event by event, and `onTask`
   * hears its task id as soon as the answer's head comes (for a Stop). Errors carry the controller's detail.
   */
  async run(workflow: WorkflowInfo, input: Record<string, unknown>, signal?: AbortSignal, onTask?: (taskId: string) => void): Promise<RunAnswer> {
    const format = streamFormatOf(workflow)
    const response = await fetch(`${this.baseUrl}/workflows/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.auth },
      body: JSON.stringify({ workflow_id: workflow.workflow_id, input, output_only: true, wait_for_completion: true }),
      ...(signal ? { signal } : {}),
    })
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { detail?: string }
      throw new Error(body.detail ?? `controller answered ${response.status}`)
    }
    if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) return { kind: 'value', value: await response.json() }
    // The head names the task (X-Task-Id), so a Stop works before the first chunk; else its first event's id does.
    const taskId = response.headers.get('x-task-id')
    if (taskId) onTask?.(taskId)
    return { kind: 'stream', format: format ?? 'sse-text', chunks: sseEvents(response, format === 'sse-json', taskId ? undefined : onTask) }
  }

  /** Cancels a task (POST /tasks/{id}/cancel), without waiting for it to end; the controller's detail on failure. */
  async cancel(taskId: string): Promise<void> {
    const response = await fetch(`${this.baseUrl}/tasks/${encodeURIComponent(taskId)}/cancel?wait_for_completion=false`, { method: 'POST', headers: this.auth })
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { detail?: string }
      throw new HttpError(response.status, body.detail ?? `controller answered ${response.status}`)
    }
  }
}

/** The chunks of an SSE answer (parsed when `json`); an `error` event throws its detail. Event ids are `<task_id>:<seq>`. */
function sseEvents(response: Response, json: boolean, onTask?: (taskId: string) => void): AsyncIterable<unknown> {
  let told = false
  return sseEventsOf(response.body as ReadableStream<Uint8Array>, ({ event, data, id }) => {
    if (!told && id && onTask) {
      told = true
      onTask(id.slice(0, id.lastIndexOf(':')))
    }
    if (event === 'error') throw new Error((JSON.parse(data) as { detail?: string }).detail ?? 'stream failed')
    return json ? JSON.parse(data) : data
  })
}

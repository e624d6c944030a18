// A chat request's run of its workflow (workflow-runs.ts: a waited run as
// `POST /workflows/runs` makes one), its output read as OpenAI chunks
// (chat-chunks.ts): a stream through the task's LiveRun, so that its events
// are recorded as any run's are; a value as one chunk.

import { HttpError } from '../errors.ts'
import type { WorkflowModel } from '../model/compose-model.ts'
import { isStream } from '../stream/stream.ts'
import type { LiveRun } from '../tasks/live-run.ts'
import { ChatChunks, tapped, type OpenAiChunk } from './chat-chunks.ts'
import type { WorkflowRuns } from './workflow-runs.ts'

export const CLIENT_GONE = 'cancelled: the client went away'

export interface ChatOutput {
  /** The answer's id (`chatcmpl-<task id>`) and creation time. */
  id: string
  created: number
  /** The next OpenAI chunks, or undefined once the run ended; throws when the run failed. */
  next(): Promise<OpenAiChunk[] | undefined>
  /** The last chunks, once the run ended (chat-chunks.ts). */
  end(includeUsage: boolean): OpenAiChunk[]
  /** Ends the run now (its client went away). */
  cancel(reason: string): void
}

export async function startChatRun(runs: WorkflowRuns, workflow: WorkflowModel, input: unknown, model: string, request: Request): Promise<ChatOutput> {
  const run = await runs.start(workflow, input, request)
  const head = { id: `chatcmpl-${run.id}`, created: Math.floor(Date.now() / 1000) }
  const chunks = new ChatChunks(head.id, model, head.created)
  const end = (includeUsage: boolean) => chunks.end(includeUsage)
  const { output } = run
  if (!isStream(output)) {
    await run.complete()
    let done = false
    return { ...head, end, cancel: () => {}, next: async () => (done ? undefined : ((done = true), chunks.of(output ?? ''))) }
  }
  const seen: unknown[] = []
  const live = await run.stream(tapped(output, seen), workflow.streamFormat ?? 'sse-text')
  return { ...head, end, cancel: (reason) => live.cancel(reason), next: () => nextChunks(live, seen, chunks) }
}

/** The OpenAI chunks of the chunks the run's next event was made of (a chunk of empty text makes no event, and none here). */
async function nextChunks(live: LiveRun, seen: unknown[], chunks: ChatChunks): Promise<OpenAiChunk[] | undefined> {
  const event = await live.next()
  if (event?.event === 'error') throw new HttpError(502, (JSON.parse(event.data) as { detail: string }).detail)
  const out = seen.splice(0).flatMap((chunk) => chunks.of(chunk))
  return event === undefined && out.length === 0 ? undefined : out
}

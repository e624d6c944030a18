// The OpenAI-compatible front at `/v1` on the controller's port (mounted by
// core/controller/http-server.ts beside the API; `controller.openai: false`
// leaves it out): the models (public workflows), chat completions, and
// embeddings. A request runs its workflow as `POST /workflows/runs` does
// (chat-run.ts); every error answers in OpenAI's shape (openai-error.ts).

import { Elysia } from 'elysia'
import type { ByteBudget } from '../byte-budget.ts'
import type { ComposeModel } from '../model/compose-model.ts'
import { readJsonObject, type BodyLimits } from '../http/json-body.ts'
import { jsonResponse } from '../http/json-response.ts'
import { parseChatRequest } from './chat-request.ts'
import { chatCompletionResponse, chatStreamResponse } from './chat-response.ts'
import { CLIENT_GONE, startChatRun } from './chat-run.ts'
import { embeddingsOf, parseEmbeddingsRequest } from './embeddings.ts'
import { modelList, ModelNames, modelView } from './model-names.ts'
import { openAiErrorResponse } from './openai-error.ts'
import { workflowInputOf } from './workflow-input.ts'
import type { WorkflowRuns } from './workflow-runs.ts'

export interface OpenAiFrontOptions {
  model: ComposeModel
  runs: WorkflowRuns
  /** Request bodies being read, all together (shared with the API's). */
  bodies: ByteBudget
  bodyLimits: BodyLimits
}

/** What Bun's server lets a handler do: lift the idle timeout for an answer that takes as long as its run. */
type Server = { timeout(request: Request, seconds: number): void } | null

export function openAiRoutes({ model, runs, bodies, bodyLimits }: OpenAiFrontOptions) {
  const names = new ModelNames(model.workflows.values(), model.controller)
  const created = Math.floor(Date.now() / 1000)
  const readBody = async (request: Request, server: Server) => {
    const share = bodies.hold()
    try {
      return await readJsonObject(request, { ...bodyLimits, share })
    } finally {
      share.release()
      server?.timeout(request, 0)
    }
  }
  return new Elysia({ prefix: '/v1' })
    .get('/models', () => jsonResponse(modelList(names, created)))
    .get('/models/:model', ({ params }) => answered(async () => (names.workflowOf(params.model), jsonResponse(modelView(params.model, created)))))
    .post('/chat/completions', ({ request, server }) =>
      answered(async () => {
        const chat = parseChatRequest(await readBody(request, server))
        const workflow = names.workflowOf(chat.model)
        const output = await startChatRun(runs, workflow, workflowInputOf(workflow, chat.model, chat.messages), chat.model, request)
        if (chat.stream) return chatStreamResponse(output, chat.includeUsage, runs.keepAliveMs)
        // Waited for whole: its client going away cancels it.
        request.signal.addEventListener('abort', () => output.cancel(CLIENT_GONE), { once: true })
        return chatCompletionResponse(output, chat.model, runs.outputBytes)
      }),
    )
    .post('/embeddings', ({ request, server }) =>
      answered(async () => {
        const embeddings = parseEmbeddingsRequest(await readBody(request, server))
        return jsonResponse(await embeddingsOf(runs, names.workflowOf(embeddings.model), embeddings, request))
      }),
    )
}

async function answered(handle: () => Promise<Response>): Promise<Response> {
  try {
    return await handle()
  } catch (error) {
    return openAiErrorResponse(error)
  }
}

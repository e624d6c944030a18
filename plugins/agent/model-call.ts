// One call of the agent's model: `model.input` rendered with the agent's
// state (`${messages}`, `${tools}`, `${input.*}`), the model component's
// action run through mc (its slots and output template apply), a streamed
// answer read token by token (streaming/turn.ts), and `model.output` (when given) shaping the answer into the
// assistant message.

import { compileTemplate, isStream, type Template, type ToolSchema } from '../../core/plugin/api.ts'
import type { CanonicalMessage } from './messages.ts'
import { readTurn } from './streaming/turn.ts'
import type { AgentSettings } from './schema.ts'

/** What `model.input` and `model.output` may read. */
export const MODEL_TEMPLATE_ROOTS = ['input', 'env', 'messages', 'tools', 'output']

type RunComponent = (componentId: string, actionId: string | undefined, input: unknown, signal: AbortSignal) => Promise<unknown>

/** Compiles `model.input` or `model.output`; a bad template throws a TemplateError. */
export function compileModelTemplate(source: unknown): Template {
  return compileTemplate(source, { roots: MODEL_TEMPLATE_ROOTS })
}

/** What one model turn tells: text as it comes (token streaming), then the assistant message. */
export type ModelTurnEvent = { type: 'text'; text: string } | { type: 'message'; message: CanonicalMessage }

/** One turn of the model over the conversation so far. */
export type ModelTurn = (messages: CanonicalMessage[], input: unknown, signal: AbortSignal) => AsyncIterable<ModelTurnEvent>

export function modelTurn(model: AgentSettings['model'], tools: ToolSchema[], env: Readonly<Record<string, string | undefined>>, runComponent: RunComponent): ModelTurn {
  // model-compose's default input is an empty mapping; without an output the answer is the message.
  const inputTemplate = compileModelTemplate(model.input ?? {})
  const outputTemplate = model.output === undefined || model.output === null ? undefined : compileModelTemplate(model.output)
  // model-compose sets `${tools}` only when there are some.
  const toolList = tools.length > 0 ? tools : undefined
  return async function* (messages, input, signal) {
    const scope = { input, env, messages, tools: toolList }
    const response = await runComponent(model.component, model.action, inputTemplate.render(scope), signal)
    // A streamed answer is read by its wire format (OpenAI deltas, Anthropic events): `model.output` does not apply.
    if (isStream(response)) {
      yield* readTurn(response, signal, { what: `model component "${model.component}"` })
      return
    }
    const message = outputTemplate ? outputTemplate.render({ ...scope, output: response }) : response
    yield { type: 'message', message: message as CanonicalMessage }
  }
}

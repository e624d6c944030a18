// The messages a run starts with: the system message (the component's
// `instructions`, or an action's `system_prompt`), then the user message
// (`prompt`, or `user_prompt`), each only when it renders to something.
// `instructions` is a component setting mc leaves as written: it is compiled
// here and rendered per run with the run's `input` and `env`.

import { compileTemplate, type Template } from '../../core/plugin/api.ts'
import { textMessage, type CanonicalMessage } from './messages.ts'
import type { AgentAction } from './schema.ts'

export const INSTRUCTIONS_ROOTS = ['input', 'env']

/** Compiles `instructions`; a bad template throws a TemplateError. */
export function compileInstructions(source: unknown): Template | undefined {
  return source === undefined || source === null ? undefined : compileTemplate(source, { roots: INSTRUCTIONS_ROOTS })
}

export function initialMessages(instructions: Template | undefined, action: AgentAction, scope: { input: unknown; env: unknown }): CanonicalMessage[] {
  const system = action.system_prompt ?? instructions?.render(scope)
  const prompt = action.prompt ?? action.user_prompt
  return [...(isSet(system) ? [textMessage('system', system)] : []), ...(isSet(prompt) ? [textMessage('user', prompt)] : [])]
}

/** model-compose adds a message only for a truthy text. */
const isSet = (value: unknown) => value !== undefined && value !== null && value !== '' && value !== false

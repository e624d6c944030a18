// The `agent` component (model-compose 0.4.92): a ReAct loop (react-loop.ts)
// over a model that is any component action (`model`), with workflows of the
// same file as its tools. With no action `output` its result is the messages
// it produced (assistant and tool ones, not the system and user ones it
// started with); with `streaming: true`, a stream of events as they happen —
// answer tokens, tool calls, tool results, whole messages (streaming/agent-events.ts).
// Its tools and model name workflows and a component of the file: an unknown
// one is refused at load, at its line (settingReferences).

import { ConfigurationError, defineComponentPlugin, TemplateError, wholeNumberOf, type RunResult } from '../../core/plugin/api.ts'
import { compileInstructions, initialMessages } from './agent-prompts.ts'
import type { CanonicalMessage } from './messages.ts'
import { compileModelTemplate, modelTurn } from './model-call.ts'
import { reactLoop, type AgentEvent } from './react-loop.ts'
import { AgentActionSchema, AgentSettingsSchema, DEFAULT_MAX_ITERATION_COUNT, type AgentAction, type AgentSettings } from './schema.ts'
import { agentEventStream } from './streaming/agent-events.ts'
import { checkToolEntries, toolReferences, toolsOf } from './tools.ts'

const agentPlugin = defineComponentPlugin<AgentSettings, AgentAction>({
  type: 'agent',
  settings: AgentSettingsSchema,
  action: AgentActionSchema,
  defaultOutput: '${result}',
  checkSettings(settings) {
    checkToolEntries(settings.tools ?? [])
    atKey(['model', 'input'], () => compileModelTemplate(settings.model.input ?? null))
    atKey(['model', 'output'], () => compileModelTemplate(settings.model.output ?? null))
    atKey(['instructions'], () => compileInstructions(settings.instructions))
  },
  settingReferences(settings) {
    const { component, action } = settings.model
    return [...toolReferences(settings.tools ?? []), { kind: 'component', id: component, action, path: ['model', 'component'], actionPath: ['model', 'action'] }]
  },
  checkAction(action) {
    if (action.prompt !== undefined && action.user_prompt !== undefined) throw new ConfigurationError('give "prompt" or "user_prompt" (its older name), not both', ['user_prompt'])
  },
  create(settings, { id, env, runComponent, workflowTool }) {
    const tools = toolsOf((settings.tools ?? []) as string[], id, workflowTool)
    const instructions = compileInstructions(settings.instructions)
    const turn = modelTurn(settings.model, [...tools.values()].map((tool) => tool.schema), env, runComponent)
    return {
      async run(action, { signal, log, input }): Promise<RunResult> {
        const events = reactLoop({
          initial: initialMessages(instructions, action, { input, env }),
          input,
          maxIterationCount: wholeNumberOf(action.max_iteration_count ?? settings.max_iteration_count ?? DEFAULT_MAX_ITERATION_COUNT, 'max_iteration_count', 1),
          turn,
          tools,
          signal,
          log,
        })
        if (isOn(action.streaming)) return { result: agentEventStream(events) }
        const messages: CanonicalMessage[] = []
        for await (const message of messagesOf(events)) messages.push(message)
        return { result: messages }
      },
    }
  },
})

/** The messages the loop produces: the assistant's and the tools'. */
async function* messagesOf(events: AsyncIterable<AgentEvent>): AsyncGenerator<CanonicalMessage> {
  for await (const event of events) if (event.type === 'message' || event.type === 'tool_result') yield event.message
}

/** `streaming` may be a template: its rendered value decides. */
const isOn = (value: unknown) => value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true')

/** A template compiled at load: its error names the key it stands at. */
function atKey(path: string[], compile: () => unknown): void {
  try {
    compile()
  } catch (error) {
    if (error instanceof TemplateError) throw new ConfigurationError(error.message, [...path, ...error.path])
    throw error
  }
}

export default agentPlugin

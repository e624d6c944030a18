// The ReAct loop (model-compose's AgentAction.run): the model answers; when
// its answer calls tools, they run (at once) and their results go back to it;
// until it answers without a tool call, or `max_iteration_count` model turns
// have been made. It is an async generator of what happens, which a run
// collects into its messages (index.ts) or streams.

import type { CallableTool, Logger } from '../../core/plugin/api.ts'
import { toolCallsOf, toolMessage, type CanonicalMessage, type ToolCallBlock, type ToolResultBlock } from './messages.ts'
import type { ModelTurn } from './model-call.ts'
import { runToolCalls } from './tool-calls.ts'

export type AgentEvent =
  /** A piece of the assistant's text, as the model streams it. */
  | { type: 'text'; text: string }
  /** The assistant's whole message of one turn. */
  | { type: 'message'; message: CanonicalMessage }
  | { type: 'tool_call'; call: ToolCallBlock }
  /** A tool's result, and the tool message carrying it. */
  | { type: 'tool_result'; result: ToolResultBlock; message: CanonicalMessage }

export interface LoopOptions {
  /** The system and user messages the run starts with. */
  initial: CanonicalMessage[]
  /** The agent's input, which `model.input` may read. */
  input: unknown
  maxIterationCount: number
  turn: ModelTurn
  tools: ReadonlyMap<string, CallableTool>
  signal: AbortSignal
  log: Logger
}

export async function* reactLoop({ initial, input, maxIterationCount, turn, tools, signal, log }: LoopOptions): AsyncGenerator<AgentEvent> {
  const produced: CanonicalMessage[] = []
  for (let iteration = 0; iteration < maxIterationCount; iteration++) {
    // model-compose sends only the produced messages after the first turn (`messages or initial_messages`),
    // which drops the question and the instructions; mc keeps the whole conversation.
    let message: CanonicalMessage | undefined
    for await (const event of turn([...initial, ...produced], input, signal)) {
      if (event.type === 'message') message = event.message
      yield event
    }
    signal.throwIfAborted()
    if (message === undefined) throw new Error('the model turn gave no message')
    produced.push(message)
    const calls = toolCallsOf(message)
    if (calls.length === 0) return
    for (const call of calls) yield { type: 'tool_call', call }
    for (const result of await runToolCalls(calls, tools, signal)) {
      const tool = toolMessage(result)
      produced.push(tool)
      yield { type: 'tool_result', result, message: tool }
    }
  }
  log.warn(`stopped after max_iteration_count (${maxIterationCount}) model turns: the last answer still called tools`)
}

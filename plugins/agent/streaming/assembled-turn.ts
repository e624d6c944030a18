// One assistant turn put back together from a model's stream: its text and
// its tool calls, whose arguments arrive as pieces of JSON text. Everything
// held is bounded: the text, each call's arguments and the number of calls,
// so a model (or a hostile upstream) that never stops cannot grow memory.

import { upstreamFailed } from '../../../core/plugin/api.ts'

/** The canonical assistant message (model-compose's block form) a turn becomes. */
export interface AssembledMessage {
  role: 'assistant'
  content: AssembledBlock[]
}

export type AssembledBlock = { type: 'text'; text: string } | { type: 'tool_call'; id: string; name: string; arguments: unknown }

/** How much of one turn is held. */
export interface TurnLimits {
  /** Characters of text in one turn. */
  textChars: number
  /** Characters of one tool call's JSON arguments. */
  argumentChars: number
  /** Tool calls in one turn. */
  toolCalls: number
}

export const DEFAULT_TURN_LIMITS: TurnLimits = { textChars: 4 * 1024 * 1024, argumentChars: 1024 * 1024, toolCalls: 128 }

interface PendingCall {
  id: string
  name: string
  arguments: string
  /** Arguments the wire gave whole (Anthropic's `input` on content_block_start), used when no pieces follow. */
  whole?: unknown
}

type Part = { kind: 'text'; text: string } | { kind: 'call'; call: PendingCall }

export class AssembledTurn {
  private readonly parts: Part[] = []
  private readonly calls = new Map<string | number, PendingCall>()
  private textChars = 0

  constructor(
    private readonly what: string,
    private readonly limits: TurnLimits,
  ) {}

  addText(text: string): void {
    this.textChars += text.length
    if (this.textChars > this.limits.textChars) {
      throw upstreamFailed(`${this.what}: the answer's text passed ${this.limits.textChars} characters in one turn`)
    }
    const last = this.parts[this.parts.length - 1]
    if (last?.kind === 'text') last.text += text
    else this.parts.push({ kind: 'text', text })
  }

  hasCall(key: string | number): boolean {
    return this.calls.has(key)
  }

  /** Starts the tool call the wire numbers `key`. */
  startCall(key: string | number, id: string, name: string, whole?: unknown): void {
    if (this.calls.size >= this.limits.toolCalls) throw upstreamFailed(`${this.what}: more than ${this.limits.toolCalls} tool calls in one turn`)
    const call: PendingCall = { id, name, arguments: '', ...(whole !== undefined ? { whole } : {}) }
    this.calls.set(key, call)
    this.parts.push({ kind: 'call', call })
  }

  /** A piece of a started call: its id or name when the wire sends them late, more of its arguments. */
  addToCall(key: string | number, piece: { id?: string; name?: string; arguments?: string }): void {
    const call = this.calls.get(key)
    if (!call) throw upstreamFailed(`${this.what}: a piece of tool call ${JSON.stringify(key)} came before the call started`)
    if (piece.id && !call.id) call.id = piece.id
    if (piece.name && !call.name) call.name = piece.name
    if (piece.arguments) {
      call.arguments += piece.arguments
      if (call.arguments.length > this.limits.argumentChars) {
        throw upstreamFailed(`${this.what}: the arguments of tool call "${call.name}" passed ${this.limits.argumentChars} characters`)
      }
    }
  }

  /** The whole message: text and calls in the order the model gave them. */
  message(): AssembledMessage {
    const content: AssembledBlock[] = []
    for (const part of this.parts) {
      if (part.kind === 'text') content.push({ type: 'text', text: part.text })
      else {
        const { id, name } = part.call
        if (!name) throw upstreamFailed(`${this.what}: tool call ${JSON.stringify(id)} has no name`)
        content.push({ type: 'tool_call', id, name, arguments: argumentsOf(part.call) })
      }
    }
    return { role: 'assistant', content }
  }
}

/**
 * The parsed arguments. Arguments that are not JSON are the model's mistake,
 * not the wire's: they stay the text they are, and the agent answers the call
 * with an error result the model can correct (see the README).
 */
function argumentsOf(call: PendingCall): unknown {
  if (call.arguments.trim() === '') return call.whole ?? {}
  try {
    return JSON.parse(call.arguments)
  } catch {
    return call.arguments
  }
}

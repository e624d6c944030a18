// The wire formats of the two upstream APIs the local upstream imitates, byte
// for byte: the streamed events and the whole (non-streamed) answers of OpenAI
// chat completions and Anthropic messages.

const CREATED = 1694268190

function openAiChunk(delta: Record<string, unknown>, finish: string | null): string {
  return JSON.stringify({
    id: 'chatcmpl-mc-test',
    object: 'chat.completion.chunk',
    created: CREATED,
    model: 'gpt-4o',
    system_fingerprint: 'fp_mc_test',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  })
}

export function openAiEvents(tokens: string[]): string[] {
  return [
    `data: ${openAiChunk({ role: 'assistant', content: '', refusal: null }, null)}\n\n`,
    ...tokens.map((t) => `data: ${openAiChunk({ content: t }, null)}\n\n`),
    `data: ${openAiChunk({}, 'stop')}\n\n`,
    'data: [DONE]\n\n',
  ]
}

export function openAiCompletion(text: string) {
  return {
    id: 'chatcmpl-mc-test',
    object: 'chat.completion',
    created: CREATED,
    model: 'gpt-4o',
    choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 9, completion_tokens: 12, total_tokens: 21 },
  }
}

export function anthropicEvents(tokens: string[]): string[] {
  const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`
  return [
    event('message_start', {
      type: 'message_start',
      message: {
        id: 'msg_mc_test',
        type: 'message',
        role: 'assistant',
        content: [],
        model: 'claude-3-5-sonnet-20241022',
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 25, output_tokens: 1 },
      },
    }),
    event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    'event: ping\ndata: {"type": "ping"}\n\n',
    ...tokens.map((t) => event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: t } })),
    event('content_block_stop', { type: 'content_block_stop', index: 0 }),
    event('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 15 } }),
    event('message_stop', { type: 'message_stop' }),
  ]
}

export function anthropicMessage(text: string) {
  return {
    id: 'msg_mc_test',
    type: 'message',
    role: 'assistant',
    content: [{ type: 'text', text }],
    model: 'claude-3-5-sonnet-20241022',
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 25, output_tokens: 15 },
  }
}

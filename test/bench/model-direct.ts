// The direct side of the model benchmark: transformers.js called in this one
// process, no mc. Reads a line per round on stdin, answers with
// `{"ttftMs": ..., "tokensPerSecond": ...}` on stdout.

import { env, pipeline, TextStreamer } from '@huggingface/transformers'

const [model, tokens, prompt] = [process.argv[2]!, Number(process.argv[3]), process.argv[4]!]
env.allowRemoteModels = false
const pipe = await pipeline('text-generation', model, { dtype: 'fp32' })
process.stdout.write('ready\n')
for await (const _line of console) {
  let first = 0
  let generated = 0
  const started = performance.now()
  const streamer = new TextStreamer(pipe.tokenizer, {
    skip_prompt: true,
    callback_function: () => {
      first ||= performance.now()
    },
    token_callback_function: () => void generated++,
  })
  await pipe(prompt, { max_new_tokens: tokens, do_sample: false, streamer, return_full_text: false } as never)
  const seconds = (performance.now() - started) / 1000
  process.stdout.write(`${JSON.stringify({ ttftMs: first - started, tokensPerSecond: generated / seconds })}\n`)
}

// mc's piece streamer gives exactly the pieces transformers.js's TextStreamer
// gives, while decoding only a short tail of tokens per step.
import { expect, test } from 'bun:test'
import { AutoTokenizer, TextStreamer } from '@huggingface/transformers'
import { join } from 'node:path'
import { PieceStreamer } from '../../../plugins/model/engine/piece-streamer.ts'
import { ROOT } from '../../support/mc.ts'

test('same pieces as TextStreamer over long multi-byte text, with far less decoding', async () => {
  const tokenizer = await AutoTokenizer.from_pretrained(join(ROOT, 'test/fixtures/models/tiny-gpt2'))
  const text = 'Hello 世界 and ünïcode 🎉 words, no newline for a long while '.repeat(40) + 'then\nnew lines\n and a tail'
  const ids = (tokenizer.encode(text) as number[]).map((id) => BigInt(id))
  const steps = [[BigInt(1)], ...ids.map((id) => [id])] // a prompt, then one token per step

  const expected: string[] = []
  const reference = new TextStreamer(tokenizer, { skip_prompt: true, callback_function: (t: string) => expected.push(t) })
  for (const step of steps) reference.put([step])
  reference.end()

  const pieces: string[] = []
  let decodedTokens = 0
  const streamer = new PieceStreamer({
    decode: (batch) => {
      decodedTokens += batch.length
      return tokenizer.decode(batch, { skip_special_tokens: true })
    },
    specialIds: new Set(tokenizer.all_special_ids.map((id: number) => BigInt(id))),
    onPiece: (t) => pieces.push(t),
  })
  for (const step of steps) streamer.put([step])
  streamer.end()

  expect(pieces).toEqual(expected)
  expect(pieces.join('')).toBe(text)
  // TextStreamer re-decodes the whole paragraph every step: ~n²/2 token decodes.
  expect(decodedTokens).toBeLessThan((ids.length * ids.length) / 20)
})

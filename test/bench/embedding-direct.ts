// The direct side of the embedding benchmark: transformers.js's
// feature-extraction pipeline called in this one process, no mc, with the
// pooling and normalisation mc's text-embedding uses for the model (mean,
// L2). Reads a line per round on stdin, embeds the texts in batches of
// `batch` and answers with `{"textsPerSecond": ...}` on stdout.

import { env, pipeline } from '@huggingface/transformers'

const [model, textsFile, batch] = [process.argv[2]!, process.argv[3]!, Number(process.argv[4])]
const texts = (await Bun.file(textsFile).json()) as string[]
env.allowRemoteModels = false
const extract = await pipeline('feature-extraction', model, { dtype: 'fp32' })
process.stdout.write('ready\n')
for await (const _line of console) {
  const started = performance.now()
  for (let at = 0; at < texts.length; at += batch) await extract(texts.slice(at, at + batch), { pooling: 'mean', normalize: true })
  process.stdout.write(`${JSON.stringify({ textsPerSecond: texts.length / ((performance.now() - started) / 1000) })}\n`)
}

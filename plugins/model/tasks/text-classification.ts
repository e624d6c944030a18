// text-classification: for each text, model-compose's `{label, label_id}`
// (and `probabilities`, one per class, with return_probabilities: true), plus
// mc's `score` (the label's probability) and, with `top_k`, `labels`: the k
// likeliest `{label, label_id, score}`, best first. Probabilities are a
// softmax over the classes, or one sigmoid per class when the model's config
// says problem_type: multi_label_classification (as transformers.js's
// pipeline does). Names: the component's `labels`, else the model's id2label.

import { flagOf } from '../../../core/plugin/api.ts'
import { encoderOf, encodeInBatches, rowsOf, type EncoderConfig } from '../engine/encode.ts'
import { countOf, textsOf } from '../engine/rendered-values.ts'
import { checkText, needsEncoder, type EncoderTask } from '../engine/task.ts'

const softmax = (logits: number[]) => {
  const top = Math.max(...logits)
  const exps = logits.map((l) => Math.exp(l - top))
  const sum = exps.reduce((a, b) => a + b, 0)
  return exps.map((e) => e / sum)
}
const sigmoid = (logit: number) => 1 / (1 + Math.exp(-logit))

function labelNames(config: EncoderConfig, labels: string[] | undefined, classes: number): (string | null)[] {
  return Array.from({ length: classes }, (_, i) => labels?.[i] ?? config.id2label?.[String(i)] ?? null)
}

export const textClassification: EncoderTask = {
  pipeline: () => 'text-classification',
  head: 'sequence-classification',
  architectureProblem: needsEncoder('text-classification'),
  checkAction: (action) => checkText('text-classification', action, 'text', true),
  checkModel(model, settings, name) {
    const classes = Object.keys(encoderOf(model).config.id2label ?? {}).length
    if (settings.labels && classes > 0 && settings.labels.length !== classes) {
      throw new Error(`"labels" names ${settings.labels.length} classes, but model ${name} has ${classes} (its config's id2label)`)
    }
  },
  async run(model, action, settings, context) {
    const { texts, single } = textsOf(action.text, 'text')
    const withProbabilities = flagOf(action.return_probabilities ?? action.params?.return_probabilities, 'return_probabilities', false)
    const topK = countOf(action.top_k, 'top_k')
    const { config } = encoderOf(model)
    const multiLabel = config.problem_type === 'multi_label_classification'
    const predictions = await encodeInBatches(model, action, texts, undefined, context, ({ logits }) => {
      if (!logits) throw new Error('the model gives no logits: task text-classification needs a sequence-classification model')
      return rowsOf(logits).map((row) => {
        const probabilities = multiLabel ? row.map(sigmoid) : softmax(row)
        const names = labelNames(config, settings.labels, row.length)
        const best = probabilities.indexOf(Math.max(...probabilities))
        const ranked = probabilities.map((score, id) => ({ label: names[id] ?? null, label_id: id, score })).sort((a, b) => b.score - a.score)
        return {
          label: names[best] ?? null,
          label_id: best,
          score: probabilities[best],
          ...(withProbabilities ? { probabilities } : {}),
          ...(topK ? { labels: ranked.slice(0, topK) } : {}),
        }
      })
    })
    return { result: single ? predictions[0] : predictions }
  },
}

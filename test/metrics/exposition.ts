// Reads Prometheus' text exposition format, as a scraper would, for the
// /metrics tests: the samples of a metric with given labels.

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

export function samplesOf(text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line)
    if (!match) throw new Error(`not a sample line: ${line}`)
    const labels: Record<string, string> = {}
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!
    samples.push({ name: match[1]!, labels, value: Number(match[3]) })
  }
  return samples
}

/** The value of the one sample of `name` whose labels include `labels`; 0 when there is none (a counter not yet counted). */
export function valueOf(text: string, name: string, labels: Record<string, string> = {}): number {
  const found = samplesOf(text).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`)
  return found[0]?.value ?? 0
}

/** Every value a label takes across the samples of metrics named with `prefix`. */
export function labelValues(text: string, label: string, prefix = 'mc_'): Set<string> {
  return new Set(samplesOf(text).flatMap((s) => (s.name.startsWith(prefix) && s.labels[label] !== undefined ? [s.labels[label]!] : [])))
}

// The compose file both model benchmarks serve: a local model streaming
// `tokens` tokens as SSE text, greedy, so every round does the same work.

export function streamingModelCompose(port: number, model: string, tokens: number): string {
  return `
controller:
  port: ${port}
workflow:
  output: \${output as text;sse-text}
component:
  type: model
  task: text-generation
  model: ${model}
  text: \${input.prompt}
  streaming: true
  params:
    max_output_length: ${tokens}
    do_sample: false
`
}

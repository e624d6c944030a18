// Compose files for the OpenAI-front tests: workflows of each shape a chat
// model can take, all talking to the local upstream (test/support/upstream.ts),
// and `mc up` of them on the port they read from MC_PORT.
import { cpSync } from 'node:fs'
import { join } from 'node:path'
import { composeDir, freePort, ROOT, startMc, type McProcess } from '../support/mc.ts'

/** `mc up -f compose.yml` in `dir` on a free port, told to it through MC_PORT (as these files read it). */
export function startOnMcPort(dir: string, env: Record<string, string>): Promise<McProcess> {
  const port = freePort()
  return startMc(dir, ['-f', 'compose.yml'], port, { MC_PORT: String(port), ...env })
}

/** The guide's §11.3.1 workflow as mc's example has it (examples/streaming-chat, from the seed's §11.3.1). */
export function guideDir(): string {
  const dir = composeDir({})
  cpSync(join(ROOT, 'examples/streaming-chat/compose.yml'), join(dir, 'compose.yml'))
  return dir
}

/** Several workflows: messages, a relay of the upstream's own chunks, one that reads two inputs, a private one, embeddings. */
export function workflowsDir(upstreamUrl: string, controller = ''): string {
  return composeDir({
    'compose.yml': `
controller:
  type: http-server
  port: \${env.MC_PORT}
${controller}
components:
  - id: chat
    type: http-client
    base_url: ${upstreamUrl}
    path: /v1/chat/completions\${input.query | ""}
    method: POST
    body:
      model: gpt-4o
      messages: \${input.messages}
      stream: true
    stream_format: json
    output: \${response[].choices[0].delta.content}
  - id: relay
    type: http-client
    base_url: ${upstreamUrl}
    path: \${input.path}
    method: POST
    body:
      messages: \${input.messages}
      stream: true
    stream_format: json
    output: \${response[]}
  - id: whole
    type: http-client
    base_url: ${upstreamUrl}
    path: /v1/chat/completions
    method: POST
    body:
      messages: \${input.messages}
    output: \${response}
  - id: vectors
    type: http-client
    base_url: ${upstreamUrl}
    path: /json
    method: POST
    body:
      vector: [0.5, -1.25]
      text: \${input.text}
    output: \${response.received.vector}
workflows:
  - id: chat-messages
    title: Chat over the whole conversation
    job:
      component: chat
      input:
        messages: \${input.messages}
    output: \${output as text;sse-text}
  - id: chat-gated
    job:
      component: chat
      input:
        messages: \${input.messages}
        query: "?gate=1&key=abort"
    output: \${output as text;sse-text}
  - id: relay-usage
    job:
      component: relay
      input:
        messages: \${input.messages}
        path: /sse?chunks=\${env.USAGE_CHUNKS}
    output: \${output as stream/json}
  - id: upstream-answer
    job:
      component: whole
      input:
        messages: \${input.messages}
    output: \${output}
  - id: two-inputs
    job:
      component: chat
      input:
        messages:
          - role: user
            content: \${input.a} \${input.b}
    output: \${output as text;sse-text}
  - id: hidden
    private: true
    job:
      component: chat
      input:
        messages: \${input.messages}
    output: \${output as text;sse-text}
  - id: embed
    job:
      component: vectors
      input:
        text: \${input.text as text}
    output: \${output}
`,
  })
}

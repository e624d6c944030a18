// One compose file with a workflow for each thing the Web UI page shows: a
// markdown answer (with raw HTML that must not run), a chat, a slow stream to
// stop, an image, JSON, multi-line text, a switch's choices, uploads and a
// failure. mc and a local upstream are started for it; the Web UI tests and
// test/webui/screenshots.ts use it.

import { deflateSync } from 'node:zlib'
import { composeDir, freePort, startMc, type McProcess } from '../support/mc.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'
import { waitForWebUi } from '../support/chromium.ts'

export const MARKDOWN_ANSWER = [
  '## Three facts',
  'Hello **world**, this is *markdown* with `code`.',
  '- one',
  '- two',
  '- three',
  '',
  '<script>window.__injected = true</script><img src=x onerror="window.__injected = true">',
  '[a safe link](https://example.com) and [a bad one](javascript:window.__injected=true)',
].join('\n')

export const STORY = Array.from({ length: 120 }, (_, i) => `word${i}`).join(' ')

const compose = (port: number, uiPort: number, u: string) => `
controller:
  port: ${port}
  webui:
    port: ${uiPort}

workflows:
  - id: answer
    title: Markdown answer
    description: A fixed answer in markdown.
    output: \${output.stdout as markdown}
    jobs:
      - component: answer
  - id: chat
    title: Chat
    output: \${output as text;sse-text}
    jobs:
      - component: chat
  - id: story
    title: Story
    description: A slow stream, to stop.
    output: \${output as text;sse-text}
    jobs:
      - component: story
  - id: held
    title: Held
    description: A stream whose first token waits for the test.
    output: \${output as text;sse-text}
    jobs:
      - component: held
  - id: picture
    title: Picture
    output: { image: "\${output.stdout as image}", caption: "\${input.caption as string}" }
    jobs:
      - component: picture
  - id: data
    title: Data
    output: \${output as json}
    jobs:
      - component: data
  - id: lines
    title: Lines
    output: \${output.stdout as text}
    jobs:
      - component: lines
  - id: route
    title: Route
    output: \${output.stdout as text}
    jobs:
      - id: pick
        type: switch
        input: \${input.model}
        cases:
          - value: small
            then: small
          - value: large
            then: large
      - id: small
        component: say
        input: { word: small }
      - id: large
        component: say
        input: { word: large }
  - id: upload
    title: Upload
    output: \${output.stdout as text}
    jobs:
      - component: echo-file
        input: { file: "\${input.document as file}", kind: "\${input.kind as select/plain,fancy}" }
  - id: broken
    title: Broken
    output: \${output as text;sse-text}
    jobs:
      - component: broken

components:
  - id: answer
    type: shell
    command: [cat, answer.md]
  - id: chat
    type: http-client
    endpoint: ${u}/v1/chat/completions?delay_ms=30&key=chat
    body: { stream: true, history: "\${input.messages}", messages: [{ role: user, content: "\${input.prompt as text @(description Your message)}" }] }
    stream_format: json
    output: \${response[].choices[0].delta.content}
  - id: story
    type: http-client
    endpoint: ${u}/v1/chat/completions?delay_ms=150&key=story&text=${encodeURIComponent(STORY)}
    body: { stream: true }
    stream_format: json
    output: \${response[].choices[0].delta.content}
  - id: held
    type: http-client
    endpoint: ${u}/v1/chat/completions?gate=1&key=held&text=never%20sent
    body: { stream: true }
    stream_format: json
    output: \${response[].choices[0].delta.content}
  - id: picture
    type: shell
    command: [cat, picture.b64]
  - id: data
    type: http-client
    endpoint: ${u}/json?text=hello%20there
    method: POST
    body: { numbers: [1, 2, 3] }
  - id: lines
    type: shell
    command: [printf, "first line\\nsecond line\\n"]
  - id: say
    type: shell
    command: [echo, "\${input.word}"]
  - id: echo-file
    type: shell
    command: [echo, "\${input.kind} \${input.file}"]
  - id: broken
    type: http-client
    endpoint: ${u}/v1/chat/completions?fail=99&status=500
    body: { stream: true }
    stream_format: json
`

/** A PNG of `width`×`height` pixels: an orange-to-blue gradient. */
export function gradientPng(width: number, height: number): Uint8Array {
  const rows = Buffer.alloc((width * 3 + 1) * height)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) rows.set([234 - Math.round((x / width) * 200), 88 + Math.round((y / height) * 80), 12 + Math.round((x / width) * 230)], y * (width * 3 + 1) + 1 + x * 3)
  const chunk = (type: string, data: Uint8Array) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const head = Buffer.alloc(4)
    head.writeUInt32BE(data.length)
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(Bun.hash.crc32(body))
    return Buffer.concat([head, body, crc])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 2, 0, 0, 0], 8) // 8-bit RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', new Uint8Array())])
}

export interface Showcase {
  mc: McProcess
  ui: string
  upstream: Upstream
  stop(): Promise<void>
}

/** `env`: mc's environment on top of this process's (e.g. MC_STREAM_GRACE_SECONDS). */
export async function startShowcase(env: Record<string, string> = {}): Promise<Showcase> {
  const upstream = startUpstream()
  const port = freePort()
  const uiPort = freePort()
  const dir = composeDir({
    'compose.yml': compose(port, uiPort, upstream.url),
    'answer.md': MARKDOWN_ANSWER,
    'picture.b64': Buffer.from(gradientPng(160, 90)).toString('base64'),
  })
  const mc = await startMc(dir, [], port, env)
  const ui = `http://127.0.0.1:${uiPort}`
  await waitForWebUi(ui)
  return {
    mc,
    ui,
    upstream,
    async stop() {
      await mc.stop()
      upstream.stop()
    },
  }
}

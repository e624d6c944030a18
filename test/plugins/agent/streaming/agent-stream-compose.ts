// The compose file of the streaming-agent tests: an agent whose model is an
// http-client streaming from the tool-calling test upstream (env MODEL_URL):
// OpenAI's (agent-compose.ts's model, streamed) or Anthropic's; one tool
// workflow (a shell command), and two ways to serve it: `answer` streams the
// answer's text (sse-text), `events` every event (sse-json).

import { openAiModel } from '../agent-compose.ts'

export type WireFormat = 'openai' | 'anthropic'

const ANTHROPIC_MODEL = `
  - id: model
    type: http-client
    action:
      endpoint: \${env.MODEL_URL}/v1/messages
      method: POST
      headers:
        x-api-key: sk-ant-test
        anthropic-version: "2023-06-01"
      body:
        model: claude-3-5-sonnet-20241022
        max_tokens: 1024
        stream: true
        messages:
          "*": \${input.messages}
          role: \${item.role}
          content: \${item.content[0].text}
          "?":
            - input: \${item.role}
              value: assistant
              if_true:
                content:
                  "*": \${item.content}
                  "?":
                    - input: \${item.type}
                      value: text
                      if_true:
                        type: text
                        text: \${item.text}
                    - input: \${item.type}
                      value: tool_call
                      if_true:
                        type: tool_use
                        id: \${item.id}
                        name: \${item.name}
                        input: \${item.arguments}
            - input: \${item.role}
              value: tool
              if_true:
                role: user
                content:
                  - type: tool_result
                    tool_use_id: \${item.content[0].id}
                    content: \${item.content[0].content}
        tools:
          "*": \${input.tools}
          name: \${item.name}
          description: \${item.description}
          input_schema: \${item.parameters}
      stream_format: json
`

export function agentStreamCompose(port: number, format: WireFormat): string {
  return `
controller:
  type: http-server
  port: ${port}

workflows:
  - id: answer
    output: \${output[].text as text;sse-text}
    job:
      component: assistant
      input:
        question: \${input.question}
  - id: events
    output: \${output as json;sse-json}
    job:
      component: assistant
      input:
        question: \${input.question}
  - id: get_weather
    description: The weather in a city now.
    job:
      component: weather
      input:
        city: \${input.city @(description City name)}
      output: \${output as text}

components:
  - id: assistant
    type: agent
    model:
      component: model
      input:
        messages: \${messages}
        tools: \${tools}
    tools:
      - get_weather
    action:
      prompt: \${input.question}
      streaming: true
${format === 'openai' ? openAiModel({ id: 'model', stream: true }) : ANTHROPIC_MODEL}
  - id: weather
    type: shell
    action:
      command: [ printf, "18 °C and sunny in %s", "\${input.city}" ]
      output: \${result.stdout}
`
}

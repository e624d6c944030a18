// model-compose 0.4.92's binding language: each case is an example of its
// guide (chapter 14 "Variable Binding", chapter 13 "Streaming Mode"), the
// expression and the value the guide says it gives, through compileTemplate;
// the streaming forms and the YAML operators also through a real `mc up` /
// `mc run`, and bad syntax through `mc validate` (file:line:col).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { compileTemplate, TemplateError } from '../../core/binding/template.ts'
import { composeDir, freePort, runMc, startMc, type McProcess } from '../support/mc.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

type Scope = Record<string, unknown>
/** [section of the guide, template, scope, what the guide says it gives] */
type Case = [string, unknown, Scope, unknown]

const render = (source: unknown, scope: Scope) => compileTemplate(source).render(scope)
const table = (name: string, cases: Case[]) =>
  describe(name, () => {
    for (const [section, source, scope, expected] of cases) {
      test(`${section}: ${JSON.stringify(source)}`, () => expect(render(source, scope)).toEqual(expected))
    }
  })

const items = [{ id: 1, name: 'a' }, { id: 2, name: 'b' }]
const tools = [{ name: 'search' }, { name: 'fetch' }]
const content = [
  { type: 'text', text: 'hi' },
  { type: 'tool_call', id: 't1', name: 'search', arguments: '{}' },
]

table('paths', [
  ['§14.3 nested object + array index', '${response.choices[0].message.content}', { response: { choices: [{ message: { content: 'hi' } }] } }, 'hi'],
  ['§14.3 negative index (last element)', '${response.data[-1].id}', { response: { data: [{ id: 1 }, { id: 9 }] } }, 9],
  ['§14.3 a negative index past the start is missing', '${response.data[-3].id}', { response: { data: [{ id: 1 }, { id: 9 }] } }, null],
  ["§14.3 first element's name field", '${input.users[0].name}', { input: { users: [{ name: 'John' }] } }, 'John'],
  ['§14.3.1 items = [{id: 1, name: "a"}, {id: 2, name: "b"}] → [1, 2]', '${response.items[*].id}', { response: { items } }, [1, 2]],
  ['§14.3.1 chained wildcards over nested arrays', '${response.messages[*].tool_calls[*].id}', { response: { messages: [{ tool_calls: [{ id: 'x' }, { id: 'y' }] }, { tool_calls: [{ id: 'z' }] }] } }, [['x', 'y'], ['z']]],
  ['renderer.py key pattern: result[1:]', '${result[1:]}', { result: [1, 2, 3, 4] }, [2, 3, 4]],
  ['renderer.py key pattern: result[:5]', '${result[:2]}', { result: [1, 2, 3, 4] }, [1, 2]],
  ['renderer.py key pattern: result[1:5]', '${result[1:3]}', { result: [1, 2, 3, 4] }, [2, 3]],
  ['renderer.py key pattern: result[-1]', '${result[-2:]}', { result: [1, 2, 3, 4] }, [3, 4]],
  // model-compose's resolver reads this as the keys "item", "hits", ... and yields None; the example means an index.
  ['example showcase/find-person-scenes: a reference as an index', '${item.faces[item.hits[0].index].timestamp}', { item: { faces: [{ timestamp: 1 }, { timestamp: 2 }], hits: [{ index: 1 }] } }, 2],
])

table('types', [
  ['§14.4.1 text', '${input.message as text}', { input: { message: 12 } }, '12'],
  ['§14.4.1 number', '${input.price as number}', { input: { price: '9.5' } }, 9.5],
  ['§14.4.1 integer', '${input.count as integer}', { input: { count: '3' } }, 3],
  ['§14.4.1 boolean ("true", "1" → true)', '${input.enabled as boolean}', { input: { enabled: '1' } }, true],
  ['§14.4.1 json', '${input.data as json}', { input: { data: '{"a": [1]}' } }, { a: [1] }],
  ['§14.4.2 → [{"id": 1, "name": "John"}, {"id": 2, "name": "Jane"}]', '${response.users as object[]/id,name}', { response: { users: [{ id: 1, name: 'John', age: 3 }, { id: 2, name: 'Jane' }] } }, [{ id: 1, name: 'John' }, { id: 2, name: 'Jane' }]],
  ['§14.4.2 nested paths, the last segment names the key', '${response.data as object[]/user.id,user.email,status}', { response: { data: [{ user: { id: 1, email: 'john@example.com' }, status: 'active' }] } }, [{ id: 1, email: 'john@example.com', status: 'active' }]],
  ['renderer.py type[]: each item converted', '${input.counts as integer[]}', { input: { counts: ['1', null, '3'] } }, [1, null, 3]],
  ['§14.4.3 media types are hints: the value passes', '${input.photo as image/jpg}', { input: { photo: 'aGk=' } }, 'aGk='],
  ['§14.4.4 attributes', '${response[] as audio/pcm[sample_rate=24000,channels=1,bit_depth=16]}', { 'response[]': 'pcm' }, 'pcm'],
  ['§14.4.5 base64 type encodes, text included', '${output as base64}', { output: 'hi' }, 'aGk='],
  ['§14.5.1 formats', '${input.avatar as image;url} ${output as audio;stream} ${input.doc as file;data-uri}', { input: { avatar: 'u', doc: 'd' }, output: 's' }, 'u s d'],
])

table('defaults and annotations', [
  ['§14.6.1 number', '${input.temperature | 0.7}', { input: {} }, 0.7],
  ['§14.6.1 string', '${input.model | "gpt-4o"}', { input: {} }, 'gpt-4o'],
  ['§14.6.3 nested default values', '${input.api_key | ${env.API_KEY | "default-key"}}', { input: {}, env: {} }, 'default-key'],
  ['§14.7.1 annotation holding parentheses', '${input.temperature as number | 0.7 @(description Controls randomness (0-2))}', { input: {} }, 0.7],
  ['§14.7.2 select', '${input.size as select/256x256,512x512,1024x1024 | 1024x1024}', { input: {} }, '1024x1024'],
  ['§14.7.3 slider', '${input.temperature as slider/0,2,0.1 | 0.7}', { input: { temperature: '1.5' } }, 1.5],
])

test('§14.7.1 annotations keep balanced parentheses, one after another', () => {
  const annotations = (source: string) => compileTemplate(source).whole!.binding.annotations
  expect(annotations('${input.date @(description Date (8-digit, YYYYMMDD))}')).toEqual({ description: 'Date (8-digit, YYYYMMDD)' })
  expect(annotations("${input.x @(description Don't (ever) stop) @(label X)}")).toEqual({ description: "Don't (ever) stop", label: 'X' })
  expect(compileTemplate('${response[] as audio[]/pcm[sample_rate=${input.rate},channels=1]}').whole!.binding).toMatchObject({
    type: 'audio[]',
    subtype: 'pcm',
    attrs: { sample_rate: [{ expr: { kind: 'ref', key: 'input', path: ['rate'] } }], channels: ['1'] },
  })
})

table('spread, map, conditionals, join, split', [
  ['§14.8.1 dict spread, siblings override', { body: { '...': '${input}', model: 'gpt-4o' } }, { input: { model: 'x', prompt: 'p' } }, { body: { model: 'gpt-4o', prompt: 'p' } }],
  ['§14.8.2 list spread', { messages: [{ role: 'system', content: 'You are a helpful assistant.' }, '...${input.history}', { role: 'user', content: '${input.prompt}' }] }, { input: { history: [{ role: 'user', content: 'a' }], prompt: 'b' } }, { messages: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: 'a' }, { role: 'user', content: 'b' }] }],
  ['§14.8 a null spread is ignored', { list: ['...${input.none}'], map: { '...': '${input.none}' } }, { input: {} }, { list: [], map: {} }],
  ['§14.9.1 basic map', { tools: { '*': '${tools}', type: 'function', function: '${item}' } }, { tools }, { tools: tools.map((t) => ({ type: 'function', function: t })) }],
  ['§14.9.2 map with spread and a nested map', { messages: { '*': '${messages}', '...': '${item}', tool_calls: { '*': '${item.tool_calls}', id: '${item.id}', type: 'function' } } }, { messages: [{ role: 'assistant', tool_calls: [{ id: 'c1' }] }] }, { messages: [{ role: 'assistant', tool_calls: [{ id: 'c1', type: 'function' }] }] }],
  ['§14.9.3 ${item} is the innermost map\'s element', { '*': '${orders}', customer: '${item.customer}', lines: { '*': '${item.lines}', sku: '${item.sku}' } }, { orders: [{ customer: 'c', lines: [{ sku: 's1' }, { sku: 's2' }] }] }, [{ customer: 'c', lines: [{ sku: 's1' }, { sku: 's2' }] }]],
  ['§14.9.4 identity map', { messages: { '*': '${messages}' } }, { messages: [1, 2] }, { messages: [1, 2] }],
  ['§14.12.1 ${index} in a template', { '*': '${xs}', at: '${index}' }, { xs: ['a', 'b'] }, [{ at: 0 }, { at: 1 }]],
  ['§14.10.1 single condition (matched → "user")', { role: { '?': { input: '${item.role}', value: 'tool', if_true: 'user', if_false: '${item.role}' } } }, { item: { role: 'tool' } }, { role: 'user' }],
  ['§14.10.1 single condition (else → original role)', { role: { '?': { input: '${item.role}', value: 'tool', if_true: 'user', if_false: '${item.role}' } } }, { item: { role: 'assistant' } }, { role: 'assistant' }],
  ['§14.10.2 first match wins; unmatched blocks contribute nothing', { content: { '*': '${item.content}', '?': [{ input: '${item.type}', value: 'text', if_true: { type: 'text', text: '${item.text}' } }, { input: '${item.type}', value: 'tool_call', if_true: { type: 'tool_use', id: '${item.id}' } }] } }, { item: { content: [...content, { type: 'image' }] } }, { content: [{ type: 'text', text: 'hi' }, { type: 'tool_use', id: 't1' }, {}] }],
  ['§14.10.3 sibling position merges', { '...': '${item}', '?': { input: '${item.role}', value: 'tool', if_true: { role: 'user' } } }, { item: { role: 'tool', content: 'x' } }, { role: 'user', content: 'x' }],
  ['§14.10.3 value position replaces the dict', { status: { '?': { input: '${jobs.probe.output.ok}', value: true, if_true: 'healthy', if_false: 'down' } } }, { jobs: { probe: { output: { ok: false } } } }, { status: 'down' }],
  ['§14.10.4 no branch, no if_false: the field is omitted', { status: { '?': { input: '${jobs.probe.output.ok}', value: true, if_true: 'healthy' } }, other: 1 }, { jobs: { probe: { output: { ok: false } } } }, { other: 1 }],
  ['§14.10.1 operators', ['gt', 'lte', 'in', 'not-in', 'starts-with', 'ends-with', 'match', 'neq'].map((operator, i) => ({ '?': { input: '${input.v}', operator, value: ['2', 3, [3, 4], 'abc', '3', '3', '\\d', 3][i], if_true: operator, if_false: false } })), { input: { v: 3 } }, ['gt', 'lte', 'in', 'not-in', 'starts-with', 'ends-with', 'match', false]],
  ['§14.10.1 text operators', ['starts-with', 'ends-with', 'match', 'in'].map((operator, i) => ({ '?': { input: '${input.v}', operator, value: ['gpt', '4o', 'gpt-\\d', 'a gpt-4o b'][i], if_true: true, if_false: false } })), { input: { v: 'gpt-4o' } }, [true, true, true, true]],
  ['§14.11.1 string concat', { greeting: { '+': ['Hello, ', '${input.name}', '!'] } }, { input: { name: 'mc' } }, { greeting: 'Hello, mc!' }],
  ['§14.11.1 list extend', { tools: { '+': ['${input.builtin_tools}', '${input.custom_tools}'] } }, { input: { builtin_tools: [1], custom_tools: [2, 3] } }, { tools: [1, 2, 3] }],
  ['§14.11.1 dict merge (right-wins)', { headers: { '+': ['${env.default_headers}', { Authorization: 'Bearer ${env.API_KEY}' }] } }, { env: { default_headers: { Authorization: 'x', A: '1' }, API_KEY: 'k' } }, { headers: { Authorization: 'Bearer k', A: '1' } }],
  ['§14.11.2 composing with maps and where', { content: { '+': [{ '*': { input: '${item.content}', where: { input: '${item.type}', value: 'text' } }, type: 'text', text: '${item.text}' }, { '*': { input: '${item.content}', where: { input: '${item.type}', value: 'tool_call' } }, type: 'tool_use', id: '${item.id}', name: '${item.name}', input: '${item.arguments}' }] } }, { item: { content } }, { content: [{ type: 'text', text: 'hi' }, { type: 'tool_use', id: 't1', name: 'search', input: '{}' }] }],
  ['§14.11.3 None elements skipped; all None → None', { a: { '+': ['${x}', 'b', '${x}'] }, b: { '+': ['${x}'] } }, {}, { a: 'b', b: null }],
  ['§14.11.3 "+" beside another key is a plain dict', { '+': [1], other: 1 }, {}, { '+': [1], other: 1 }],
  ['§14.9 where: all / any / not', { '*': { input: '${xs}', where: { all: [{ input: '${item}', operator: 'gt', value: 1 }, { not: { any: [{ input: '${item}', value: 3 }] } }] } } }, { xs: [1, 2, 3, 4] }, [2, 4]],
  ['§14.12.1 points = [{x:1,y:2},{x:3,y:4}] → { xs: [1, 3], ys: [2, 4] }', { xs_ys: { '|': '${points}', xs: '${item.x}', ys: '${item.y}' } }, { points: [{ x: 1, y: 2 }, { x: 3, y: 4 }] }, { xs_ys: { xs: [1, 3], ys: [2, 4] } }],
  ['§14.12.3 None yields empty collections', { '|': '${points}', xs: '${item.x}' }, {}, { xs: [] }],
])

describe('errors of the run', () => {
  const fails = (source: unknown, scope: Scope, message: string) => expect(() => render(source, scope)).toThrow(message)
  test('§14.8 a spread of the wrong shape', () => {
    fails({ '...': '${x}' }, { x: [1] }, '"..." in a mapping spreads a mapping, got [1]')
    fails(['...${x}'], { x: 'text' }, '"...${}" in a list spreads a list, got "text"')
  })
  test('§14.11.3 mixing kinds raises; "+" needs a list', () => {
    fails({ '+': ['a', ['b']] }, {}, '"+" joins parts of one kind: a text and ["b"]')
    fails({ '+': '${x}' }, { x: 5 }, '"+" joins a list of parts, got 5')
  })
  test('§14.12.3 / §14.9 the source must be a list', () => {
    fails({ '|': '${x}', a: '${item}' }, { x: 42 }, '"|" splits a list, got 42')
    fails({ '*': '${x}', a: '${item}' }, { x: { a: 1 } }, '"*" maps a list, got {"a":1}')
    fails('${x as integer[]}', { x: 5 }, 'expected a list for "integer[]", got 5')
  })
})

describe('bad syntax: one line, with the place', () => {
  const syntax: [string, unknown, string, (string | number)[], number][] = [
    ['a bad slice', 'a ${input.x[1:y]}', 'bad binding "${input.x[1:y]}": missing "]"', [], 14],
    ['an unclosed "["', '${input.x[*}', 'bad binding "${input.x[*}": missing "]"', [], 11],
    ['an attribute without "="', '${x as audio/pcm[rate]}', 'expected name=value in "[...]", got "rate"', [], 17],
    ['an unclosed attribute list', '${x as audio/pcm[rate=1}', 'unclosed "[": missing "]"', [], 16],
    ['an unknown stream type', '${x as stream/xml}', 'unknown stream type "xml" (stream/text, stream/json)', [], 7],
    ['a format after stream/...', '${x as stream/text;base64}', '"as stream" takes only /text or /json', [], 7],
    ['an unclosed annotation', '${x @(description (a)}', 'unclosed "@(": missing ")"', [], 4],
    ['an unknown operator', { a: { '?': { input: '${x}', operator: 'equals' } } }, 'unknown operator "equals"', ['a', '?', 'operator'], 0],
    ['a condition without input', { a: { '?': [{ value: 1 }] } }, 'a condition needs "input"', ['a', '?', 0], 0],
    ['an unknown key in a condition', { '?': { input: 1, then: 2 } }, 'unknown key "then" in a "?" condition', ['?', 'then'], 0],
    ['a bad regular expression', { '?': { input: '${x}', operator: 'match', value: '(' } }, 'bad regular expression "("', ['?', 'value'], 0],
    ['a split without fields', { s: { '|': '${x}' } }, '"|" needs other keys beside it', ['s', '|'], 0],
    ['a bad list spread', ['...${x as nope}'], 'unknown type "nope"', [0], 10],
  ]
  for (const [name, source, message, path, offset] of syntax) {
    test(name, () => {
      let error: unknown
      try {
        compileTemplate(source)
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(TemplateError)
      const { message: text, path: at, offset: where } = error as TemplateError
      expect(text).toContain(message)
      expect(text).not.toContain('\n')
      expect({ at, where }).toEqual({ at: path, where: offset })
    })
  }

  test('the new recursive forms stop at the existing bounds', () => {
    expect(() => compileTemplate(`\${input.a${'[b'.repeat(100)}${']'.repeat(100)}}`)).toThrow('nested too deeply (over 32 levels of references inside "[...]")')
    expect(() => compileTemplate(`\${input.a${'[*]'.repeat(40)}}`)).toThrow('too many "[*]" in one path (over 32)')
    const attrs = `\${x as audio/pcm[a=${'${x as audio/pcm[a='.repeat(20)}1${']}'.repeat(20)}]}`
    expect(() => compileTemplate(attrs)).toThrow('bindings in attributes nested too deeply (over 16 levels)')
  })

  test('§14.2 a root model-compose has and mc does not says so', () => {
    const roots = ['input', 'env']
    expect(() => compileTemplate('${context.task_id}', { roots })).toThrow('"context" is a model-compose binding that mc does not have (mc has: input, env)')
    expect(() => compileTemplate('${gateway:8090.public_url}', { roots })).toThrow('"gateway:8090" is a model-compose binding that mc does not have')
    expect(() => compileTemplate('${respons.x}', { roots })).toThrow('unknown binding "respons" (bindings: input, env)')
  })

  test('mc validate places it at file:line:col', async () => {
    const text = 'component:\n  type: shell\n  command: echo hi\nworkflow:\n  output:\n    status:\n      "?":\n        input: ${output}\n        operator: equals\n'
    const run = await runMc(['validate', '-f', 'compose.yml'], { cwd: composeDir({ 'compose.yml': text }) })
    expect(run.stderr).toStartWith('mc | error: compose.yml:9:19: workflow.output.status.?.operator: unknown operator "equals" (operators: eq, neq,')
    expect(run.stderr.trimEnd()).not.toContain('\n')
    expect(run.code).toBe(1)
  })
})

describe('through mc', () => {
  let upstream: Upstream
  let mc: McProcess
  const chat = (output: string) => ({ output, jobs: [{ component: 'openai' }] })
  beforeAll(async () => {
    upstream = startUpstream()
    const port = freePort()
    const compose = {
      controller: { port },
      workflows: [
        { id: 'text', ...chat('${output as stream/text}') },
        { id: 'json', ...chat('${output as stream/json}') },
        { id: 'bare', ...chat('${output as stream}') },
        { id: 'one', output: '${output as stream/json}', jobs: [{ component: 'object' }] },
        { id: 'one-text', output: '${output as stream/text}', jobs: [{ component: 'object' }] },
      ],
      components: [
        { id: 'openai', type: 'http-client', endpoint: `${upstream.url}/v1/chat/completions`, body: { stream: true, messages: [{ role: 'user', content: '${input.prompt}' }] }, stream_format: 'json', output: '${response[].choices[0].delta.content}' },
        { id: 'object', type: 'shell', command: ['printf', '%s', '{"a": [1, 2]}'], output: '${stdout as json}' },
      ],
    }
    mc = await startMc(composeDir({ 'compose.yml': JSON.stringify(compose) }), [], port)
  })
  afterAll(async () => {
    await mc?.stop()
    upstream?.stop()
  })
  const post = (workflow: string) =>
    fetch(`${mc.url}/api/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow_id: workflow, input: { prompt: 'Hello' }, output_only: true }) })

  test('§13.3.1 as stream/text: an SSE text stream, as "as text;sse-text"', async () => {
    const r = await post('text')
    expect(r.headers.get('content-type')).toBe('text/event-stream')
    expect((await r.text()).replace(/^id: .*\n/gm, '')).toBe('data: You\n\ndata:  said:\n\ndata:  Hello\n\n')
  })
  test('§13.3.1 as stream/json: each chunk one JSON document', async () => {
    const r = await post('json')
    expect(r.headers.get('content-type')).toBe('text/event-stream')
    // The role-only first chunk's empty content is a JSON string too, as model-compose sends it.
    expect((await r.text()).replace(/^id: .*\n/gm, '')).toBe('data: ""\n\ndata: "You"\n\ndata: " said:"\n\ndata: " Hello"\n\n')
  })
  test('renderer.py: "as stream" alone is stream/text', async () => {
    expect((await (await post('bare')).text()).replace(/^id: .*\n/gm, '')).toBe('data: You\n\ndata:  said:\n\ndata:  Hello\n\n')
  })
  test('§14.5.3 a value that is not a stream is sent as one event', async () => {
    expect((await (await post('one')).text()).replace(/^id: .*\n/gm, '')).toBe('data: {"a":[1,2]}\n\n')
    const text = await post('one-text')
    expect(text.headers.get('content-type')).toBe('text/event-stream')
    // stream/text is str() of the value, as 0.4.92's text stream encodes a chunk.
    expect((await text.text()).replace(/^id: .*\n/gm, '')).toBe("data: {'a': [1, 2]}\n\n")
  })
  test('the workflow schema says how it streams', async () => {
    const list = (await (await fetch(`${mc.url}/api/workflows?include_schema=true`)).json()) as { workflow_id: string; output: unknown }[]
    expect(list.map((w) => [w.workflow_id, w.output])).toEqual([
      ['text', { kind: 'value', type: 'text', format: 'sse-text' }],
      ['json', { kind: 'value', format: 'sse-json' }],
      ['bare', { kind: 'value', type: 'text', format: 'sse-text' }],
      ['one', { kind: 'value', format: 'sse-json' }],
      ['one-text', { kind: 'value', type: 'text', format: 'sse-text' }],
    ])
  })

  test('mc run: the YAML operators and the new paths on a real job output', async () => {
    const list = [{ name: 'a', n: 1 }, { name: 'b', n: 2 }, { name: 'c', n: 3 }]
    const compose = {
      workflow: {
        output: {
          names: { '*': '${jobs.list.output}', name: '${item.name}', '?': { input: '${item.n}', operator: 'gte', value: 2, if_true: { big: true } } },
          big: { '*': { input: '${jobs.list.output}', where: { input: '${item.n}', operator: 'gte', value: 2 } }, at: '${index}' },
          last: '${jobs.list.output[-1].name}',
          ns: '${jobs.list.output[*].n}',
          rest: '${jobs.list.output[1:][*].name}',
          joined: { '+': ['${jobs.list.output[0].name}', '-', '${jobs.list.output[1].name}'] },
          spread: ['...${jobs.list.output[*].name}', 'z'],
          split: { '|': '${jobs.list.output}', n: '${item.n}' },
          absent: { '?': { input: '${jobs.list.output[0].n}', value: 99, if_true: 'never' } },
          text: '${jobs.list.output[0] as stream/text}',
        },
        jobs: [{ id: 'list', component: 'list' }],
      },
      components: [{ id: 'list', type: 'shell', command: ['printf', '%s', JSON.stringify(list)], output: '${stdout as json}' }],
    }
    const run = await runMc(['run'], { cwd: composeDir({ 'compose.yml': JSON.stringify(compose) }) })
    expect(run.stderr).toBe('')
    expect(JSON.parse(run.stdout)).toEqual({
      names: [{ name: 'a' }, { name: 'b', big: true }, { name: 'c', big: true }],
      big: [{ at: 1 }, { at: 2 }],
      last: 'c',
      ns: [1, 2, 3],
      rest: ['b', 'c'],
      joined: 'a-b',
      spread: ['a', 'b', 'c', 'z'],
      split: { n: [1, 2, 3] },
      text: "{'name': 'a', 'n': 1}",
    })
  })
})

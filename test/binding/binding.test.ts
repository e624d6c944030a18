import { describe, expect, test } from 'bun:test'
import { compileTemplate } from '../../core/binding/template.ts'

const render = (source: unknown, scope: Record<string, unknown> = {}) => compileTemplate(source).render(scope)

describe('bindings', () => {
  test('a whole binding yields the value itself; inside text it is interpolated', () => {
    const scope = { input: { n: 3, o: { a: [1, 2] } } }
    expect(render('${input.o}', scope)).toEqual({ a: [1, 2] })
    // Python's str(), as model-compose interpolates (binding-092-types.test.ts).
    expect(render('n=${input.n} o=${input.o}', scope)).toBe("n=3 o={'a': [1, 2]}")
  })
  test('paths: dots, indexes, quoted keys; missing steps give null', () => {
    const scope = { response: { choices: [{ delta: { content: 'hi' } }], 'a b': 1 } }
    expect(render('${response.choices[0].delta.content}', scope)).toBe('hi')
    expect(render('${response["a b"]}', scope)).toBe(1)
    expect(render('${response.choices[5].delta.content}', scope)).toBeNull()
    expect(render('${response.nothing.at.all}', scope)).toBeNull()
  })
  test('chunk references read the current chunk', () => {
    const t = compileTemplate('${response[].delta.text}')
    expect([...t.chunkKeys]).toEqual(['response'])
    expect(t.render({ 'response[]': { delta: { text: '안녕' } } })).toBe('안녕')
  })
  test('types, formats, defaults and annotations', () => {
    const t = compileTemplate('${input.t as slider/0,1,0.1;url | 0.7 @(description Sampling temperature)}')
    const b = t.whole!.binding
    expect(b.type).toBe('slider')
    expect(b.subtype).toBe('0,1,0.1')
    expect(b.format).toBe('url')
    expect(b.annotations).toEqual({ description: 'Sampling temperature' })
    expect(t.render({ input: {} })).toBe(0.7)
    expect(t.render({ input: { t: '0.2' } })).toBe(0.2)
    expect(render('${output as text;sse-text}', { output: 5 })).toBe('5')
    expect(render('${input.x | "quoted | text"}', { input: {} })).toBe('quoted | text')
    expect(render('${input.x | bare words}', { input: {} })).toBe('bare words')
    expect(render('${env.A | ${env.B | fallback}}', { env: {} })).toBe('fallback')
    expect(render('${env.A | ${env.B}}', { env: { B: 'b' } })).toBe('b')
    expect(render('${input.s | false}', { input: {} })).toBe(false)
    expect(render('${input.items as object[]/name,meta.id}', { input: { items: [{ name: 'a', meta: { id: 1 }, x: 0 }] } })).toEqual([
      { name: 'a', id: 1 },
    ])
    expect(render('${input.n as integer}', { input: { n: '42' } })).toBe(42)
    expect(() => render('${input.n as integer}', { input: { n: 'abc' } })).toThrow('expected a number')
    expect(() => render('${input.c as select/red,green}', { input: { c: 'blue' } })).toThrow('expected one of red, green')
  })
  test('expressions', () => {
    const scope = { input: { model: 'openai', n: 3, on: true } }
    expect(render("${input.model == 'openai'}", scope)).toBe(true)
    expect(render("${input.model != 'openai'}", scope)).toBe(false)
    expect(render('${input.n >= 3 && input.n < 4}', scope)).toBe(true)
    expect(render("${!(input.model == 'claude') || false}", scope)).toBe(true)
    expect(render('${input.n > "2"}', scope)).toBe(true)
    expect(render('${input.on == true}', { input: { on: 'true' } })).toBe(true)
    expect(render('${input.missing == null}', scope)).toBe(true)
  })
  test('objects and lists are compiled recursively', () => {
    const t = compileTemplate({ messages: [{ role: 'user', content: '${input.p as text}' }], stream: true })
    expect(t.render({ input: { p: 12 } })).toEqual({ messages: [{ role: 'user', content: '12' }], stream: true })
  })
  test('syntax errors name the offset', () => {
    expect(() => compileTemplate('abc ${input.x as}')).toThrow('expected a type after "as"')
    expect(() => compileTemplate('abc ${input.x')).toThrow('unclosed')
    expect(() => compileTemplate('${input.x ==}')).toThrow('expected a value')
  })
})

// model-compose 0.4.92's type conversions (issue 20, points 2-5): each case is a
// test of its tests/unit/core/foundation/variable/test_renderers.py (named
// after it), the expression and the value it asserts, through compileTemplate;
// then the issue's own files through `mc run` and `mc validate`.
import { describe, expect, test } from 'bun:test'
import { compileTemplate } from '../../core/binding/template.ts'
import { composeDir, runMc } from '../support/mc.ts'

type Scope = Record<string, unknown>
/** [the test of test_renderers.py, template, scope, what it asserts] */
type Case = [string, unknown, Scope, unknown]

const render = (source: unknown, scope: Scope) => compileTemplate(source).render(scope)
const table = (name: string, cases: Case[]) =>
  describe(name, () => {
    for (const [what, source, scope, expected] of cases) {
      test(`${what}: ${JSON.stringify(source)}`, () => expect(render(source, scope)).toEqual(expected))
    }
  })
const fails = (name: string, cases: [string, string, Scope, string][]) =>
  describe(name, () => {
    for (const [what, source, scope, message] of cases) test(`${what}: ${source}`, () => expect(() => render(source, scope)).toThrow(message))
  })
const b64 = (text: string) => Buffer.from(text).toString('base64')

table('2. text forms: str() in text, json.dumps for as text', [
  ['issue 20 §2', 'flag=${input.b} items=${input.l} obj=${input.v}', { input: { b: true, l: [1, 2], v: { city: 'SF', n: 1 } } }, "flag=True items=[1, 2] obj={'city': 'SF', 'n': 1}"],
  ['repr() of texts, None, floats', 'x=${v}', { v: ["it's", 'a"b', 'line\n', null, false, 0.5, 1e-5, 1.5e-7, 123456.789] }, `x=["it's", 'a"b', 'line\\n', None, False, 0.5, 1e-05, 1.5e-07, 123456.789]`],
  ['test_bool_stringified', '${v as text}', { v: true }, 'True'],
  ['test_int_stringified', '${v as text}', { v: 42 }, '42'],
  ['test_dict_serialized_as_json', '${v as text}', { v: { city: 'SF', unit: 'C' } }, '{"city": "SF", "unit": "C"}'],
  ['test_list_serialized_as_json', '${v as text}', { v: [1, 'two', { k: 3 }] }, '[1, "two", {"k": 3}]'],
  ['test_dict_json_preserves_non_ascii', '${v as text}', { v: { city: '서울' } }, '{"city": "서울"}'],
  ['test_as_string_alias', '${v as string}', { v: { a: 1 } }, '{"a": 1}'],
  ['test_as_markdown_keeps_python_repr', '${v as markdown}', { v: { a: 1 } }, "{'a': 1}"],
  ['test_string_list_normalizes_to_str', '${v as string[]}', { v: ['a', 42, 3.14, true] }, ['a', '42', '3.14', 'True']],
  ['test_none_in_string_list', '${v as string[]}', { v: ['a', null, 'b'] }, ['a', null, 'b']],
  ['test_boolean_in_middle', 'flag=${b as boolean}.', { b: 'true' }, 'flag=True.'],
  ['test_number_in_middle', 'pi=${n as number}', { n: '3.14' }, 'pi=3.14'],
  ['as number is a float: str() gives 3.0', 'n=${n as number}', { n: '3' }, 'n=3.0'],
  ['test_integer_in_middle', 'prefix ${n as integer} suffix', { n: 42 }, 'prefix 42 suffix'],
  ['test_none_value_yields_empty', 'a${x as integer}b', { x: null }, 'ab'],
  ['test_dict_value_encoded_as_string (stream/text)', '${output as stream/text}', { output: { key: 'value' } }, "{'key': 'value'}"],
  ['test_list_value_encoded_as_string (stream/text)', '${output as stream/text}', { output: [1, 2, 3] }, '[1, 2, 3]'],
  ['test_int_value_encoded_as_string (stream/text)', '${output as stream/text}', { output: 42 }, '42'],
])

table('3. input formats ;base64 and ;data-uri are decoded', [
  ['issue 20 §3 / TestFormatMatrixInteger.test_base64', '${input.n as integer;base64}', { input: { n: 'MTIz' } }, 123],
  ['issue 20 §3 / TestFormatMatrixString.test_base64', '${input.s as string;base64}', { input: { s: 'd29ybGQ=' } }, 'world'],
  ['TestFormatMatrixNumber.test_base64', '${v as number;base64}', { v: b64('7.0') }, 7],
  ['TestFormatMatrixNumber.test_data_uri_percent', '${v as number;data-uri}', { v: 'data:text/plain,3.14' }, 3.14],
  ['TestFormatMatrixNumber.test_data_uri_base64', '${v as number;data-uri}', { v: `data:text/plain;base64,${b64('9.5')}` }, 9.5],
  ['TestFormatMatrixInteger.test_data_uri', '${v as integer;data-uri}', { v: 'data:text/plain,17' }, 17],
  ['TestFormatMatrixBoolean.test_base64', '${v as boolean;base64}', { v: b64('false') }, false],
  ['TestBooleanFromBytes.test_bytes_true', '${v as boolean;base64}', { v: b64('true') }, true],
  ['TestFormatMatrixBoolean.test_data_uri', '${v as boolean;data-uri}', { v: 'data:text/plain,1' }, true],
  ['TestFormatMatrixJson.test_base64', '${v as json;base64}', { v: b64('[1,2,3]') }, [1, 2, 3]],
  ['TestFormatMatrixJson.test_data_uri', '${v as json;data-uri}', { v: 'data:application/json,%7B%22k%22%3A1%7D' }, { k: 1 }],
  ['TestFormatMatrixObject.test_base64', '${v as object/a,b;base64}', { v: b64('{"a":1,"b":2,"c":3}') }, { a: 1, b: 2 }],
  ['TestFormatMatrixObject.test_data_uri', '${v as object;data-uri}', { v: 'data:application/json,%7B%22x%22%3A5%7D' }, { x: 5 }],
  ['TestFormatMatrixList.test_base64', '${v as list;base64}', { v: b64('[1,2]') }, [1, 2]],
  ['TestFormatMatrixBase64.test_data_uri_base64', '${v as base64;data-uri}', { v: `data:application/octet-stream;base64,${b64('binary')}` }, b64('binary')],
  ['TestFormatMatrixBase64.test_base64_input_passes_through', '${v as base64;base64}', { v: b64('x') }, b64('x')],
  ['TestFormatMatrixString.test_data_uri', '${v as text;data-uri}', { v: 'data:text/plain,raw%20text' }, 'raw text'],
  ['TestElementWiseFormatApplied.test_integer_list_base64', '${v as integer[];base64}', { v: [b64('1'), b64('2')] }, [1, 2]],
  ['TestElementWiseFormatApplied.test_json_list_data_uri', '${v as json[];data-uri}', { v: ['data:application/json,%5B1%5D', `data:application/json;base64,${b64('[2,3]')}`] }, [[1], [2, 3]]],
  ['TestElementWiseFormatApplied.test_string_list_base64', '${v as string[];base64}', { v: [b64('hello'), b64('world')] }, ['hello', 'world']],
  ['a media type takes the format as a hint, as before', '${v as image;base64}', { v: 'aGk=' }, 'aGk='],
  ['a media type takes ;path as a hint, as before', '${v as video;path}', { v: '/tmp/x.mp4' }, '/tmp/x.mp4'],
])

fails('3. bad encodings are errors of the run', [
  ['bad base64 padding', '${v as integer;base64}', { v: 'abc' }, 'expected base64 text, got "abc"'],
  ['not a data URI', '${v as text;data-uri}', { v: 'text/plain,1' }, 'expected a data URI'],
])

test('3. ";path" on a type that reads the value is refused where it is written', () => {
  expect(() => compileTemplate('${input.p as text;path}')).toThrow('";path" would read the file the value names, which mc does not do for a binding')
  expect(() => compileTemplate('${input.p as integer[];path}')).toThrow('";path" would read')
})

table('4. object, object[], list', [
  ['TestFormatMatrixObject (plain)', '${v as object}', { v: { x: 5 } }, { x: 5 }],
  ['as object of JSON text', '${v as object}', { v: '{"x": 5}' }, { x: 5 }],
  ['as object/name (TestFormatMatrixObject.test_path, without the file)', '${v as object/name}', { v: { name: 'Alice', age: 30 } }, { name: 'Alice' }],
  ['test_json_string_element_parses_then_validates', '${v as object[]}', { v: [{ a: 1 }, '{"b": 2}'] }, [{ a: 1 }, { b: 2 }]],
  ['test_subtype_projects_fields', '${v as object[]/name,email}', { v: [{ name: 'A', email: 'a@x', age: 30 }] }, [{ name: 'A', email: 'a@x' }]],
  ['test_empty_list', '${v as object[]}', { v: [] }, []],
  ['TestListType.test_list_from_json_string', '${v as list}', { v: '[1, 2, 3]' }, [1, 2, 3]],
  ['TestListType.test_list_passes_through', '${v as list}', { v: [1, 2, 3] }, [1, 2, 3]],
])

fails('4. shapes that do not fit', [
  ['test_non_dict_scalar_element_raises', '${v as object[]}', { v: [{ a: 1 }, 42] }, 'expected a mapping, got 42'],
  ['test_non_dict_non_json_element_raises', '${v as object[]}', { v: [{ a: 1 }, 'not a dict'] }, 'expected JSON, got "not a dict"'],
  ['test_non_dict_element_raises', '${v as object[]}', { v: [{ a: 1 }, 'skip', { b: 2 }, 42] }, 'expected JSON'],
  ['test_object_with_dict_raises', '${v as object[]}', { v: { a: 1 } }, 'expected a list for "object[]"'],
  ['as object of a list', '${v as object}', { v: [1] }, 'expected a mapping, got [1]'],
  ['TestListType.test_non_list_dict_raises', '${v as list}', { v: { a: 1 } }, 'expected a list, got {"a":1}'],
])

table('5. int(), float() and str().lower() in ("true", "1")', [
  ['TestConvertInteger.test_float_to_int', '${v as integer}', { v: 3.9 }, 3],
  ['int() cuts toward zero', '${v as integer}', { v: -3.9 }, -3],
  ['TestConvertInteger.test_negative_int', '${v as integer}', { v: '-7' }, -7],
  ['`as int`, as 0.4.92\'s model-tasks/text-reranking example writes it', '${v as int | 5}', { v: '7' }, 7],
  ['`as int` with its default', '${v as int | 5}', {}, 5],
  ['int(True)', '${v as integer}', { v: true }, 1],
  ['TestElementWiseTypeMismatchInList.test_integer_list_with_mixed_int_and_str', '${v as integer[]}', { v: [1, '2', 3.5] }, [1, 2, 3]],
  ['TestConvertNumber.test_int_to_float', '${v as number}', { v: 42 }, 42],
  ['TestConvertBoolean.test_arbitrary_string_is_false', '${v as boolean}', { v: 'hello' }, false],
  ['TestConvertBoolean.test_True_string', '${v as boolean}', { v: 'True' }, true],
  ['TestConvertBoolean.test_int_one', '${v as boolean}', { v: 1 }, true],
  ['TestConvertBoolean.test_int_zero', '${v as boolean}', { v: 0 }, false],
  ['"yes" is not "true" or "1"', '${v as boolean}', { v: 'yes' }, false],
  ['TestElementWiseScalarTypes.test_boolean_list', '${v as boolean[]}', { v: ['true', 'false', 'True', '1', '0'] }, [true, false, true, true, false]],
])

fails('5. what int() and float() refuse', [
  ['int("3.9") raises', '${v as integer}', { v: '3.9' }, 'expected an integer, got "3.9"'],
  ['test_invalid_integer_element_raises', '${v as integer[]}', { v: ['1', 'abc', '3'] }, 'expected a number, got "abc"'],
  ['float("abc") raises', '${v as number}', { v: 'abc' }, 'expected a number, got "abc"'],
])

describe('through mc', () => {
  test('mc run: the text forms, the formats and the leniency, on inputs and on a job output', async () => {
    const compose = {
      workflow: {
        output: {
          text: '${input.v as text}',
          line: 'flag=${input.b} items=${input.l} obj=${input.v}',
          md: '${input.v as markdown}',
          n: '${input.n as integer;base64}',
          s: '${input.s as string;base64}',
          city: '${input.v as object/city}',
          i: '${jobs.out.output.f as integer}',
          word: '${jobs.out.output.word as boolean}',
          items: '${jobs.out.output.items as object[]/k}',
        },
        jobs: [{ id: 'out', component: 'out' }],
      },
      components: [{ id: 'out', type: 'shell', command: ['printf', '%s', '{"f": 3.9, "word": "hello", "items": ["{\\"k\\": 1}"]}'], output: '${stdout as json}' }],
    }
    const input = { v: { city: 'SF', n: 1 }, b: true, l: [1, 2], n: 'MTIz', s: 'd29ybGQ=' }
    const run = await runMc(['run', '-i', JSON.stringify(input)], { cwd: composeDir({ 'compose.yml': JSON.stringify(compose) }) })
    expect(run.stderr).toBe('')
    expect(JSON.parse(run.stdout)).toEqual({
      text: '{"city": "SF", "n": 1}',
      line: "flag=True items=[1, 2] obj={'city': 'SF', 'n': 1}",
      md: "{'city': 'SF', 'n': 1}",
      n: 123,
      s: 'world',
      city: { city: 'SF' },
      i: 3,
      word: false,
      items: [{ k: 1 }],
    })
  })

  test('mc run: an input that does not decode names the field', async () => {
    const compose = { workflow: { output: { n: '${input.n as integer;base64}' }, jobs: [{ id: 'host', type: 'delay', duration: 0 }] } }
    const run = await runMc(['run', '-i', JSON.stringify({ n: b64('12.5') })], { cwd: composeDir({ 'compose.yml': JSON.stringify(compose) }) })
    expect(run.stderr).toContain('input.n: expected an integer, got "12.5"')
    expect(run.code).not.toBe(0)
  })

  test('mc validate: ";path" is refused at its file:line:col', async () => {
    const text = 'workflow:\n  jobs: [{id: host, type: delay, duration: 0}]\n  output:\n    doc: ${input.file as text;path}\n'
    const run = await runMc(['validate', '-f', 'compose.yml'], { cwd: composeDir({ 'compose.yml': text }) })
    expect(run.stderr).toStartWith('mc | error: compose.yml:4:')
    expect(run.stderr).toContain('";path" would read the file the value names')
    expect(run.code).toBe(1)
  })
})

// Names in a binding's path as model-compose 0.4.92's field resolver reads them
// (renderer.py FieldResolver: tokens `[-_\w]+`, Python's Unicode `\w`): names
// in any script. The characters it skips between names (`user>name`,
// `user/name`, `user@@name` are all `user.name` there) are a documented
// difference: mc refuses `/` and `@` saying names are joined by ".", and `>`
// is mc's comparison.
import { describe, expect, test } from 'bun:test'
import { compileTemplate } from '../../core/binding/template.ts'
import { composeDir, runMc } from '../support/mc.ts'

const render = (source: string, scope: Record<string, unknown>) => compileTemplate(source).render(scope)

describe('names in any script, as Python\'s \\w', () => {
  test.each([
    ['${input.이름}', { input: { 이름: '민수' } }, '민수'],
    ['${input.user.名前}', { input: { user: { 名前: 'Taro' } } }, 'Taro'],
    ['${input.données[0].été}', { input: { données: [{ été: 1 }] } }, 1],
    ['${input.x-१२_y}', { input: { 'x-१२_y': 'digits of another script' } }, 'digits of another script'],
    ['${input.𠀋}', { input: { '𠀋': 'beyond the BMP' } }, 'beyond the BMP'],
  ])('%s', (source, scope, expected) => expect(render(source, scope)).toEqual(expected))

  test('through mc run: the input named in Korean reaches the command', async () => {
    const dir = composeDir({ 'compose.yml': 'component: {type: shell, command: [echo, "안녕 ${input.이름}"], output: "${result.stdout}"}\n' })
    const result = await runMc(['run', '-i', '{"이름": "민수"}'], { cwd: dir })
    expect(result).toEqual({ code: 0, stdout: '안녕 민수\n', stderr: '' })
  })
})

describe('characters 0.4.92 skips between names (a documented difference)', () => {
  const validate = async (binding: string) => {
    const dir = composeDir({ 'compose.yml': `component: {type: shell, command: [echo, "${binding}"]}\n` })
    return runMc(['validate'], { cwd: dir })
  }

  test.each([
    ['${input.user/name}', '"/name": names in a path are joined by ".", not "/"'],
    ['${input.user@@name}', '"@@name": names in a path are joined by ".", not "@"'],
  ])('%s is refused at load, saying names are joined by "."', async (binding, says) => {
    const result = await validate(binding)
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(`mc | error: compose.yml:1:42: component.command[1]: bad binding "${binding}": unexpected ${says}\n`)
  })

  test('${input.user>name} is a comparison in mc: "name" is refused as an unknown binding', async () => {
    const result = await validate('${input.user>name}')
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('bad binding "${input.user>name}": unknown binding "name"')
    expect(render('${input.count>3}', { input: { count: 5 } })).toBe(true)
  })
})
